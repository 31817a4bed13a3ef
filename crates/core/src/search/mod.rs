//! Search over document chunks in three modes: Okapi BM25 ([`bm25`]), vector search through a
//! model's HNSW index ([`vector`]), and hybrid — both, fused ([`fuse`]: a convex combination of
//! z-scores with a per-query lexical weight by default, min-max, or weighted reciprocal rank
//! fusion; [`tuning`]: the choice stored per model). Every hit explains itself (each side's rank,
//! score, normalised score and weight),
//! and results can be limited to documents classified under categories at a version ([`scope`]).

pub mod bm25;
pub mod fuse;
pub mod fused;
pub mod present;
pub mod request;
pub mod result;
pub(crate) mod run;
pub mod scope;
pub mod tuning;
pub mod vector;

pub use bm25::Bm25Params;
pub use fuse::{Fusion, FusionMethod};
pub use present::Fragment;
pub use request::{Mode, SearchRequest, Weights};
pub use result::{Bm25Signal, FusionReport, Hit, SearchResult, Timings, VectorSignal};
pub use run::{bm25, run};
pub use scope::{scope_chunks, scope_chunks_walked, scope_documents};
