//! What a search asks for, and the rules a request must keep.

use serde::{Deserialize, Serialize};

use super::{Bm25Params, Fusion};
use crate::error::{Error, Result};
use crate::limits;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Mode {
    #[default]
    Hybrid,
    Bm25,
    Vector,
}

/// Weights of the two retrievers in hybrid fusion.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Weights {
    pub bm25: f64,
    pub vector: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            bm25: 1.0,
            vector: 1.0,
        }
    }
}

/// A search. `Default` gives a hybrid top-10 over everything at the head with the default model.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SearchRequest {
    pub query: String,
    pub mode: Mode,
    pub k: usize,
    /// Category keys: only documents classified under them or their descendants.
    pub under: Vec<String>,
    /// Taxonomy version the scope is read at (default: head).
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub version: Option<i64>,
    pub bm25: Bm25Params,
    pub weights: Weights,
    /// How the two lists are fused (hybrid). `None`: the fusion and weights `dtrag eval search
    /// --tune` stored for the model, else [`Fusion::default`] with `weights`.
    #[cfg_attr(feature = "ts", ts(optional))]
    pub fusion: Option<Fusion>,
    /// RRF damping constant.
    pub rrf_k: f64,
    /// Brute-force vector scan instead of HNSW (ground truth for recall).
    pub exact: bool,
    /// Embedding model name (default: the default model).
    pub model: Option<String>,
    /// `hnsw.ef_search` for this query (default: the model's setting).
    pub ef_search: Option<i32>,
    /// How many candidates each retriever hands to fusion (default: max(4·k, 50)).
    pub candidates: Option<usize>,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            query: String::new(),
            mode: Mode::Hybrid,
            k: 10,
            under: Vec::new(),
            version: None,
            bm25: Bm25Params::default(),
            weights: Weights::default(),
            fusion: None,
            rrf_k: 60.0,
            exact: false,
            model: None,
            ef_search: None,
            candidates: None,
        }
    }
}

impl SearchRequest {
    /// Refuses a request outside the limits (nothing is read for a refused request).
    pub fn check(&self) -> Result<()> {
        let k = limits::SEARCH_K;
        if !k.contains(&self.k) {
            return Err(Error::Invalid(format!(
                "k must be {}..={}, not {}",
                k.start(),
                k.end(),
                self.k
            )));
        }
        if let Some(c) = self.candidates {
            let range = limits::SEARCH_CANDIDATES;
            if !range.contains(&c) {
                return Err(Error::Invalid(format!(
                    "candidates must be {}..={}, not {c}",
                    range.start(),
                    range.end()
                )));
            }
        }
        if self.query.len() > limits::QUERY_BYTES {
            return Err(Error::Invalid(format!(
                "the query is longer than {} bytes",
                limits::QUERY_BYTES
            )));
        }
        if let Some(ef) = self.ef_search {
            let range = limits::HNSW_EF_SEARCH;
            if !range.contains(&ef) {
                return Err(Error::Invalid(format!(
                    "ef_search must be {}..={}, not {ef}",
                    range.start(),
                    range.end()
                )));
            }
        }
        let non_negative = |x: f64| x.is_finite() && x >= 0.0;
        if !(non_negative(self.weights.bm25)
            && non_negative(self.weights.vector)
            && non_negative(self.rrf_k))
        {
            return Err(Error::Invalid(
                "weights and the RRF constant must be non-negative numbers".into(),
            ));
        }
        Ok(())
    }

    /// Candidates each retriever hands to fusion: the request's, else max(4·k, 50); never below k.
    pub fn depth(&self) -> usize {
        match self.mode {
            Mode::Hybrid => self.candidates.unwrap_or((4 * self.k).max(50)).max(self.k),
            _ => self.k,
        }
    }
}
