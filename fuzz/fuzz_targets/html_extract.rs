//! HTML documents: text extraction (title, body without scripts and navigation), then chunking.
#![no_main]
use libfuzzer_sys::fuzz_target;

use dtrag_core::documents::{chunk, html, ChunkSettings};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let out = html::extract(&text);
    let _ = chunk::chunk_text(&out.text, ChunkSettings::default());
});
