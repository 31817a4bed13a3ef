//! Every numeric limit the library enforces, in one place. The API layer hands them to the
//! desktop UI through a generated type (`api::Limits`), so its inputs refuse what the library
//! would refuse.

use std::ops::RangeInclusive;

/// Hits a search may return.
pub const SEARCH_K: RangeInclusive<usize> = 1..=1000;
/// Default hits of a search.
pub const SEARCH_K_DEFAULT: usize = 10;
/// Candidates each side of a hybrid search may fetch before fusion.
pub const SEARCH_CANDIDATES: RangeInclusive<usize> = 1..=5000;
/// Longest query text, in bytes.
pub const QUERY_BYTES: usize = 4096;
/// Nodes a label search may return.
pub const FIND_LIMIT: RangeInclusive<i64> = 1..=1000;
/// Audit entries one listing may return.
pub const AUDIT_LIMIT: RangeInclusive<i64> = 1..=10_000;

/// HNSW graph degree.
pub const HNSW_M: RangeInclusive<i32> = 2..=100;
/// HNSW candidate list while building (and at least 2·m).
pub const HNSW_EF_CONSTRUCTION: RangeInclusive<i32> = 4..=1000;
/// HNSW candidate list while searching.
pub const HNSW_EF_SEARCH: RangeInclusive<i32> = 1..=1000;
/// Vector dimensions: pgvector's HNSW limit for `vector`.
pub const VECTOR_DIMS: RangeInclusive<i32> = 1..=2000;
/// Scopes of at most this many chunks are searched exactly (by primary key) instead of through
/// the HNSW graph: cheaper than walking the graph past the excluded rows, and exact. Measured on
/// the 117k-gloss benchmark (EXPLAIN ANALYZE, same stretch): under a 4k-10k-chunk filter the
/// iterative HNSW scan visited 2k-13k tuples, took 2-5x the exact scan of the scope, and still
/// ran out at `hnsw.max_scan_tuples` before filling k when the query lay far from the scope.
pub const EXACT_SCOPE_CHUNKS: usize = 12_000;
/// Exact scans of scopes of at least this many chunks run in two halves, one on each of the
/// search's two connections (the BM25 side's is idle by the time the query vector is ready): on
/// two cores the scan's wall time nearly halves, while below this a second query's round trip
/// costs more than it saves.
pub const SPLIT_SCAN_CHUNKS: usize = 2_000;
/// Tuples an iterative HNSW scan may visit before it gives up filling a filtered `k` (pgvector's
/// default is 20,000): only scopes larger than [`EXACT_SCOPE_CHUNKS`] walk the graph filtered.
pub const HNSW_MAX_SCAN_TUPLES: i64 = 100_000;
/// Chunks embedded per batch by the embedding job.
pub const EMBED_BATCH: RangeInclusive<usize> = 1..=4096;

/// Longest line of an import or change-set file.
pub const MAX_LINE_BYTES: usize = 1 << 20;
/// Longest line of a document file (JSON Lines: one whole document a line).
pub const MAX_DOCUMENT_LINE_BYTES: usize = 64 << 20;
/// Chunk size of documents, in characters.
pub const CHUNK_SIZE: RangeInclusive<usize> = 50..=100_000;

/// Review queue items per page (`review list --limit`).
pub const REVIEW_PAGE: RangeInclusive<i64> = 1..=1000;
/// How long an item stays leased to the reviewer who fetched it, in seconds.
pub const REVIEW_LEASE_SECS: f64 = 900.0;
/// A bulk accept refuses items whose top confidence is below this, unless forced.
pub const REVIEW_BULK_FLOOR: f32 = 0.5;
/// The share of auto-accepted documents sent to review as audit samples.
pub const AUDIT_SHARE_DEFAULT: f32 = 0.02;
/// The precision auto-accepted suggestions must reach by default.
pub const PRECISION_DEFAULT: f32 = 0.9;
/// Decisions the reviewer's sidebar shows (and `review undo` can reach one by one).
pub const RECENT_DECISIONS: i64 = 10;

/// The rule for names that scripts and URLs carry (agents, golden sets; each also a CHECK in its
/// table): 1 to `max` ASCII letters, digits, '.', '_' or '-', starting with a letter or digit.
pub fn check_plain_name(what: &str, name: &str, max: usize) -> crate::error::Result<()> {
    let ok = name.len() <= max
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(crate::error::Error::Invalid(format!(
            "{what} {name:?}: 1 to {max} letters, digits, '.', '_' or '-', starting with a \
             letter or digit"
        )))
    }
}
