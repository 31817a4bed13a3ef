//! SKOS files in every syntax the importer reads: the first byte picks the syntax, the rest is
//! the file; parsing, the SKOS mapping and its checks must refuse, never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

use dtrag_skos::{Format, Options};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let format = match pick % 4 {
        0 => Format::Turtle,
        1 => Format::NTriples,
        2 => Format::RdfXml,
        _ => Format::JsonLd,
    };
    let _ = dtrag_skos::parse(
        bytes,
        format,
        std::path::Path::new("fuzz.ttl"),
        &Options::default(),
    );
});
