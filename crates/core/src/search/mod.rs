//! Search over document chunks in three modes: Okapi BM25 ([`bm25`]), vector search through a
//! model's HNSW index ([`vector`]), and hybrid — both, fused by weighted reciprocal rank fusion
//! ([`fuse`]). Every hit explains itself (its BM25 rank and score, its vector rank and distance),
//! and results can be limited to documents classified under categories at a version ([`scope`]).

pub mod bm25;
pub mod fuse;
pub mod present;
pub mod request;
pub mod result;
pub(crate) mod run;
pub mod scope;
pub mod vector;

pub use bm25::Bm25Params;
pub use present::Fragment;
pub use request::{Mode, SearchRequest, Weights};
pub use result::{Bm25Signal, Hit, SearchResult, Timings, VectorSignal};
pub use run::{bm25, run};
pub use scope::{scope_chunks, scope_chunks_walked, scope_documents};
