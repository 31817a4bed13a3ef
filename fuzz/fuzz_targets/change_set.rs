//! A change set (JSON Lines of edit operations).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = dtrag_core::taxonomy::edit::parse_ops(data, std::path::Path::new("fuzz.jsonl"));
});
