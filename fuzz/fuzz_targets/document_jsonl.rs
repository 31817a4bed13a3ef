//! A document file (JSON Lines), then each document's text through the chunker.
#![no_main]
use libfuzzer_sys::fuzz_target;

use dtrag_core::documents::{chunk, input, ChunkSettings};

fuzz_target!(|data: &[u8]| {
    if let Ok(docs) = input::parse_jsonl(data, std::path::Path::new("fuzz.jsonl")) {
        for d in docs.iter().take(8) {
            let _ = chunk::chunk_text(&d.text, ChunkSettings::default());
        }
    }
});
