//! The taxonomy import file (JSON Lines): parsing and the checks (duplicate keys, missing
//! parents, cycles) must refuse with an error, never panic or hang.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = dtrag_core::taxonomy::import::parse(data, std::path::Path::new("fuzz.jsonl"));
});
