//! A search request as the desktop app's IPC and `--json` scripts send it (JSON), and its
//! checks; then the query text through the chunker's tokenisation (what BM25 sees of it is
//! tokenised by PostgreSQL itself, tested against the real server in tests/it).
#![no_main]
use libfuzzer_sys::fuzz_target;

use dtrag_core::search::SearchRequest;

fuzz_target!(|data: &[u8]| {
    if let Ok(req) = serde_json::from_slice::<SearchRequest>(data) {
        let _ = req.check();
    }
    let query = String::from_utf8_lossy(data);
    let req = SearchRequest {
        query: query.into_owned(),
        ..SearchRequest::default()
    };
    let _ = req.check();
});
