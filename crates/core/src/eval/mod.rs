//! Retrieval evaluation (`dtrag eval search`): a golden set of questions with the documents that
//! answer them, run through the real search path per mode (as the owner or as an agent, at a
//! taxonomy version), scored by recall@k, MRR@k and nDCG@k with latency percentiles.
//!
//! - [`golden`]: the file format and its checks.
//! - [`metrics`]: the per-query scores.
//! - [`run`]: a set run per mode; two versions compared.
//! - [`store`]: sets kept by name, the last result per set, agent and version.
//! - [`tune`]: the fusion and weights that score best on a set, stored per model or agent.
//! - [`sweep`]: evidence curves and weights scored on named sets, for choosing the default.

pub mod golden;
pub mod metrics;
pub mod run;
pub mod store;
pub mod sweep;
pub mod tune;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::search::{Fusion, Mode};

pub use golden::GoldenQuery;
pub use metrics::QueryScore;

/// How a set is run.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EvalOptions {
    /// Modes to run (empty: hybrid, BM25 and vector).
    pub modes: Vec<Mode>,
    /// Run as this agent (its role, scope, settings and version).
    pub agent: Option<String>,
    /// Taxonomy version the queries' `under` scopes are read at (default: the head).
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub version: Option<i64>,
    pub k: usize,
    /// The hybrid fusion to measure (default: what a search would use; not with an agent,
    /// which fuses as its settings say).
    #[cfg_attr(feature = "ts", ts(optional))]
    pub fusion: Option<Fusion>,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions {
            modes: Vec::new(),
            agent: None,
            version: None,
            k: 10,
            fusion: None,
        }
    }
}

/// One mode's result over the set.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ModeReport {
    pub mode: Mode,
    /// Means over the queries.
    pub recall: f64,
    pub mrr: f64,
    pub ndcg: f64,
    /// End-to-end search latency.
    pub p50_ms: f64,
    pub p95_ms: f64,
    /// The hybrid fusion the searches used (the stored tuning, the agent's or the default).
    pub fusion: Option<Fusion>,
    pub tuned: bool,
    /// Said when the searches ran otherwise than asked (BM25 without vectors).
    pub notice: Option<String>,
    /// Each query's scores, in the set's order.
    pub per_query: Vec<QueryScore>,
}

/// A run of a golden set.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EvalReport {
    /// The stored set's name (none for a file run without `--save`).
    pub set: Option<String>,
    pub queries: usize,
    pub k: usize,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub version: i64,
    pub agent: Option<String>,
    pub model: Option<String>,
    pub modes: Vec<ModeReport>,
    pub run_at: DateTime<Utc>,
}

/// One query whose score moved between two versions.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct QueryChange {
    pub mode: Mode,
    pub query: String,
    pub ndcg_a: f64,
    pub ndcg_b: f64,
}

/// The same set at two versions: did a change hurt retrieval in the categories it touched?
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Comparison {
    pub a: EvalReport,
    pub b: EvalReport,
    /// Queries whose nDCG changed, worst loss first.
    pub changed: Vec<QueryChange>,
}
