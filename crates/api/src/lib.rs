//! DT-RAG Studio's API: one function per use case, over an opaque [`Handle`] (the pool and the
//! configuration), taking a typed request and returning a typed response. The `dtrag` CLI and the
//! desktop app call this crate and nothing else of the library, so a rule — which version a read
//! means, who the author is, which embedding model a search uses, what a first start loads, which
//! limits apply — is decided here once.
//!
//! Configuration comes from the edge ([`Config`]); nothing here reads the environment.

pub mod agents;
pub mod audit;
pub mod backup;
pub mod config;
pub mod database;
pub mod documents;
mod error;
pub mod eval;
mod handle;
mod interchange;
pub mod limits;
pub mod llm;
pub mod models;
pub mod progress;
pub mod review;
mod sample;
pub mod search;
pub mod taxonomy;

pub use config::Config;
pub use database::Target;
pub use error::{message as error_message, CommandError};
pub use handle::Handle;

/// The library's error and its closed kind, as the faces see them.
pub use dtrag_core::{Error, ErrorKind, Result};

/// The types that cross the API, re-exported so the faces need no other crate.
pub mod types {
    pub use dtrag_core::agents::ask::{AskAnswer, AskRequest, AskTimings, Passage};
    pub use dtrag_core::agents::check::{Probe, SelfCheck};
    pub use dtrag_core::agents::scope::ScopeChange;
    pub use dtrag_core::agents::search::AgentSearch;
    pub use dtrag_core::agents::{Agent, AgentChange, AgentSettings, NewAgent, ScopeSize};
    pub use dtrag_core::audit::AuditEntry;
    pub use dtrag_core::classify::calibrate::CurvePoint;
    pub use dtrag_core::classify::{ClassifyOutcome, DocumentSet};
    pub use dtrag_core::db::backup::log::BackupRecord;
    pub use dtrag_core::db::backup::{BackupReport, Manifest, RestoreReport};
    pub use dtrag_core::db::embedded::Status as ClusterStatus;
    pub use dtrag_core::db::fingerprint::{Fingerprint, TableFingerprint};
    pub use dtrag_core::db::health::{
        Connections, DatabaseSize, Extension, Health, Server, Setting, StateCount, Statement,
        StatementStats, StatementsStatus, TableHealth, VectorIndex, Warning,
    };
    pub use dtrag_core::db::migrate::Step as MigrationStep;
    pub use dtrag_core::documents::{ChunkSettings, DocSummary, DocumentDetails, IngestReport};
    pub use dtrag_core::eval::store::GoldenSetSummary;
    pub use dtrag_core::eval::tune::{Candidate, TuneReport};
    pub use dtrag_core::eval::{
        Comparison, EvalOptions, EvalReport, GoldenQuery, ModeReport, QueryChange, QueryScore,
    };
    pub use dtrag_core::llm::{LlmEndpoint, NewLlm};
    pub use dtrag_core::models::{
        EmbedReport, HnswSettings, IndexReport, KnnPlan, Model, Provider,
    };
    pub use dtrag_core::review::export::ClassificationRecord;
    pub use dtrag_core::review::impact::{ClassificationImpact, ImpactEntry};
    pub use dtrag_core::review::stats::{ReasonCount, RunSummary};
    pub use dtrag_core::review::{
        BulkOutcome, CategoryCounts, Decision, DecisionOutcome, Reason, RecentDecision,
        ReviewFilter, ReviewItem, ReviewOrder, ReviewPage, ReviewStats, ReviewSuggestion, Undone,
    };
    pub use dtrag_core::search::tuning::Tuning;
    pub use dtrag_core::search::{
        Bm25Params, Bm25Signal, Fragment, Fusion, FusionMethod, FusionReport, Hit, Mode,
        SearchRequest, SearchResult, Timings, VectorSignal, Weights,
    };
    pub use dtrag_core::taxonomy::deprecated::DeprecatedChange;
    pub use dtrag_core::taxonomy::diff::{
        Diff, DiffSpan, Edited, EditedFields, Moved, NodeEntry, Renamed, Summary,
    };
    pub use dtrag_core::taxonomy::edit::EditOp;
    pub use dtrag_core::taxonomy::publish::{PublishStats, Published};
    pub use dtrag_core::taxonomy::read::{FindHit, NodeDetails, NodeSummary, TreeLine};
    pub use dtrag_core::taxonomy::rollback::RollbackOutcome;
    pub use dtrag_core::taxonomy::{
        DeprecatedConcept, Extra, ExtraObject, NodeRecord, Version, VersionKind,
    };
    pub use dtrag_embed::local::MINILM;
    pub use dtrag_embed::openai::OpenAiConfig;
    pub use dtrag_skos::quality::{Check, Finding, QualityReport};
    pub use dtrag_skos::{Deprecated, ImportReport, Unplaced};
}
