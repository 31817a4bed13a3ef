//! The human review (HITL) queue: items a person must decide — suggestions the classifier was
//! unsure of, categories a taxonomy change removed or split, and audit samples of what was
//! auto-accepted. Each decision is one transaction, recorded with exactly what it changed (so it
//! can be undone) and in the audit log. Items are leased to the reviewer who fetched them, so two
//! reviewers on one server never work on the same item.

pub mod bulk;
pub mod decide;
pub mod export;
pub mod impact;
pub mod queue;
pub mod stats;
pub mod undo;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use bulk::{bulk_accept, BulkOutcome};
pub use decide::{decide, skip, Decision, DecisionOutcome};
pub use queue::{list, next, release, ReviewFilter, ReviewOrder, ReviewPage};
pub use stats::{category_counts, stats, CategoryCounts, ReviewStats};
pub use undo::{recent, undo, RecentDecision, Undone};

/// Why an item is in the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Reason {
    LowConfidence,
    CategoryRemoved,
    CategorySplit,
    AuditSample,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::LowConfidence => "low_confidence",
            Reason::CategoryRemoved => "category_removed",
            Reason::CategorySplit => "category_split",
            Reason::AuditSample => "audit_sample",
        }
    }
}

/// One suggested category of an item.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReviewSuggestion {
    pub category: String,
    pub label: String,
    pub confidence: f32,
    /// `classifier`, `parent` (the removed category's parent), ...
    pub method: String,
    /// Share of the vote of the nearest labelled documents, when the classifier suggested it.
    pub vote: Option<f32>,
    /// Cosine similarity to the category's own text, when the classifier suggested it.
    pub text_similarity: Option<f32>,
    /// Every path from a root to the category (keys), when asked for.
    pub paths: Vec<Vec<String>>,
}

/// A queue item as a reviewer sees it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReviewItem {
    pub id: i64,
    /// The document's id as imported.
    pub document: String,
    pub title: String,
    /// The start of the document's text.
    pub excerpt: String,
    pub reason: Reason,
    pub status: String,
    pub top_confidence: f32,
    pub margin: f32,
    pub impact: i32,
    pub created_at: DateTime<Utc>,
    pub lease_owner: Option<String>,
    pub lease_until: Option<DateTime<Utc>>,
    /// The removed or split category the item is about.
    pub context: Option<String>,
    /// The categories the document is classified under now.
    pub current: Vec<String>,
    pub suggestions: Vec<ReviewSuggestion>,
}
