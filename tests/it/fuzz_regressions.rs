//! Bad input the fuzzers (fuzz/, scripts/fuzz.sh) feed the parsers, kept as tests: every committed
//! seed goes through the same calls as its fuzz target (so a seed that starts to panic fails here
//! too, without cargo-fuzz), and inputs the fuzzers cannot reach because of their length limit
//! (an endless line) are refused after a bounded read instead of being held in memory whole.
//! A crash the fuzzers find becomes a test here with the minimised input.

use std::io::BufReader;
use std::path::{Path, PathBuf};

use dtrag_core::documents::{chunk, html, input, ChunkSettings};
use dtrag_core::taxonomy::{edit, import};

fn seeds(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("seed-"))
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no seeds in {}", dir.display());
    files
}

#[test]
fn every_committed_seed_goes_through_its_parser_without_a_panic() {
    let name = Path::new("seed.jsonl");
    let mut parsed = 0;
    for f in seeds("taxonomy_jsonl") {
        parsed += import::parse(&std::fs::read(&f).unwrap()[..], name).is_ok() as usize;
    }
    for f in seeds("change_set") {
        parsed += edit::parse_ops(&std::fs::read(&f).unwrap()[..], name).is_ok() as usize;
    }
    for f in seeds("document_jsonl") {
        let docs = input::parse_jsonl(&std::fs::read(&f).unwrap()[..], name).expect("valid seed");
        for d in &docs {
            assert!(!chunk::chunk_text(&d.text, ChunkSettings::default()).is_empty());
        }
        parsed += 1;
    }
    for f in seeds("html_extract") {
        let text = String::from_utf8_lossy(&std::fs::read(&f).unwrap()).into_owned();
        let _ = chunk::chunk_text(&html::extract(&text).text, ChunkSettings::default());
    }
    for f in seeds("search_request") {
        let bytes = std::fs::read(&f).unwrap();
        if let Ok(req) = serde_json::from_slice::<dtrag_core::search::SearchRequest>(&bytes) {
            parsed += req.check().is_ok() as usize;
        }
    }
    for f in seeds("skos") {
        let bytes = std::fs::read(&f).unwrap();
        let format = match bytes[0] % 4 {
            0 => dtrag_skos::Format::Turtle,
            1 => dtrag_skos::Format::NTriples,
            2 => dtrag_skos::Format::RdfXml,
            _ => dtrag_skos::Format::JsonLd,
        };
        let opts = dtrag_skos::Options::default();
        parsed += dtrag_skos::parse(&bytes[1..], format, Path::new("seed"), &opts).is_ok() as usize;
    }
    // The seeds are mostly valid input (the fuzzers start from there): most of them parse.
    assert!(parsed >= 12, "only {parsed} seeds parsed");
}

/// An endless line (a reader that never ends nor sends a newline) is refused after the limit:
/// before, the change set and document readers read the whole line first.
#[test]
fn an_endless_line_is_refused_after_a_bounded_read() {
    let endless = || BufReader::new(std::io::repeat(b'x'));
    let name = Path::new("endless.jsonl");
    let err = edit::parse_ops(endless(), name).unwrap_err().to_string();
    assert!(
        err.contains("endless.jsonl:1: line is longer than"),
        "{err}"
    );
    let err = input::parse_jsonl(endless(), name).unwrap_err().to_string();
    assert!(
        err.contains("endless.jsonl:1: line is longer than"),
        "{err}"
    );
    let err = import::parse(endless(), name).unwrap_err().to_string();
    assert!(
        err.contains("endless.jsonl:1: line is longer than"),
        "{err}"
    );
}

/// Bytes that are not UTF-8 in a change set or a document file are bad input with a line number
/// (before: an I/O error "stream did not contain valid UTF-8" without one).
#[test]
fn bytes_that_are_not_utf8_are_bad_input_with_their_line() {
    let name = Path::new("latin1.jsonl");
    let bytes = b"{\"op\": \"rename\", \"key\": \"a\", \"label\": \"A\"}\n{\"op\": \"rename\", \"key\": \"caf\xe9\"}\n";
    let err = edit::parse_ops(&bytes[..], name).unwrap_err().to_string();
    assert!(err.contains("latin1.jsonl:2: not UTF-8"), "{err}");
    let err = input::parse_jsonl(&b"{\"id\": \"caf\xe9\"}\n"[..], name)
        .unwrap_err()
        .to_string();
    assert!(err.contains("latin1.jsonl:1: not UTF-8"), "{err}");
}
