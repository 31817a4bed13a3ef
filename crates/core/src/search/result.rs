//! What a search returns: hits that explain themselves, and where the time went.

use serde::Serialize;

use super::{present, Fragment, Fusion, Mode};
use crate::models::KnnPlan;

/// A hit's BM25 side.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Bm25Signal {
    pub rank: usize,
    pub score: f64,
    /// The score as fusion read it: min-max or z-score within the list, or 1/(rrf_k + rank).
    pub normalized: f64,
    /// The weight this side had in this query's fusion (1 in a single mode).
    pub weight: f64,
}

/// A hit's vector side.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VectorSignal {
    pub rank: usize,
    /// Cosine distance (0 = same direction, 2 = opposite); the score fused is 1 − distance.
    pub distance: f64,
    /// The score as fusion read it (see [`Bm25Signal::normalized`]).
    pub normalized: f64,
    /// The weight this side had in this query's fusion (1 in a single mode).
    pub weight: f64,
}

/// How a hybrid search fused its lists.
#[derive(Debug, Clone, Copy, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FusionReport {
    pub fusion: Fusion,
    /// Share of the query's idf mass matched by the best BM25 hit (0..=1).
    pub lexical_evidence: f64,
    /// How far the best BM25 hit's score stands above the tenth's, as a share of it (0..=1).
    pub lexical_distinctness: f64,
    /// The weights as asked (or stored by tuning) before the evidence scaled them.
    pub bm25_weight: f64,
    pub vector_weight: f64,
    /// Whether fusion and weights are the ones `dtrag eval search --tune` stored for the model.
    pub tuned: bool,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Hit {
    pub rank: usize,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub chunk_id: i64,
    /// The document's source id.
    pub document: String,
    pub title: String,
    /// The mode's score: BM25 score, 1 − cosine distance, or the fused score.
    pub score: f64,
    pub text: String,
    /// `text` cut into plain and matching pieces, for highlighting.
    pub fragments: Vec<Fragment>,
    /// The document's category keys.
    pub categories: Vec<String>,
    /// Why it is here: its place in the BM25 list, if it was in it.
    pub bm25: Option<Bm25Signal>,
    /// Its place in the vector list, if it was in it.
    pub vector: Option<VectorSignal>,
}

impl Hit {
    pub(crate) fn new(
        rank: usize,
        chunk_id: i64,
        score: f64,
        d: present::Details,
        bm25: Option<Bm25Signal>,
        vector: Option<VectorSignal>,
    ) -> Self {
        Hit {
            rank,
            chunk_id,
            document: d.document,
            title: d.title,
            score,
            text: d.text,
            fragments: d.fragments,
            categories: d.categories,
            bm25,
            vector,
        }
    }
}

/// Where the time went, in milliseconds.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Timings {
    pub scope_ms: f64,
    pub embed_ms: f64,
    pub bm25_ms: f64,
    pub vector_ms: f64,
    pub total_ms: f64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SearchResult {
    pub mode: Mode,
    pub hits: Vec<Hit>,
    /// The embedding model used (vector and hybrid modes).
    pub model: Option<String>,
    /// How the vectors were read (vector and hybrid modes).
    pub plan: Option<KnnPlan>,
    /// Chunks in the category scope, when there is one.
    pub scope_chunks: Option<usize>,
    /// How many candidates each retriever contributed (hybrid: the depth of the lists fused; a
    /// hit absent from a list was not in its top `candidates`).
    pub candidates: usize,
    /// How the lists were fused (hybrid only).
    pub fusion: Option<FusionReport>,
    /// Said when the search was not what was asked, and why (a vector or hybrid search that
    /// ran as BM25 because there are no vectors yet).
    pub notice: Option<String>,
    pub timings: Timings,
}
