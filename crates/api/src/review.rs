//! Classification and the review queue: `classify`, the queue's reads (a page, the next items
//! leased to the caller, one item), decisions (one, or a bulk accept over a filter), skip, undo,
//! the reviewer's recent decisions, the metrics, and the classifications export. The reviewer is
//! always the handle's author, so a face cannot decide in someone else's name.

use serde::Deserialize;

use dtrag_core::classify::{self, ClassifyOptions, DocumentSet};
use dtrag_core::review::{self, queue, Decision, ReviewFilter, ReviewOrder};
use dtrag_core::{limits, Result};

use crate::progress::{Progress, Reporter};
use crate::types::{
    BulkOutcome, CategoryCounts, ClassificationRecord, ClassifyOutcome, DecisionOutcome,
    RecentDecision, ReviewItem, ReviewPage, ReviewStats, Undone,
};
use crate::Handle;

pub use dtrag_core::classify::{STAGE_CALIBRATION, STAGE_CATEGORIES, STAGE_CLASSIFY};

/// Items per page unless asked otherwise.
pub const REVIEW_PAGE_DEFAULT: i64 = 50;

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClassifyRequest {
    /// The embedding model whose vectors are used (default: the default model).
    pub model: Option<String>,
    /// The precision auto-accepted suggestions must reach on held-out labels (default 0.9).
    pub precision: Option<f32>,
    #[serde(default)]
    pub documents: DocumentSet,
    /// The share of auto-accepted documents sent to review as audit samples (default 0.02).
    pub audit_share: Option<f32>,
}

pub async fn classify(
    h: &Handle,
    req: ClassifyRequest,
    progress: Reporter<'_>,
) -> Result<ClassifyOutcome> {
    let opts = ClassifyOptions {
        model: req.model,
        precision: req.precision.unwrap_or(limits::PRECISION_DEFAULT),
        documents: req.documents,
        audit_share: req.audit_share.unwrap_or(limits::AUDIT_SHARE_DEFAULT),
        author: h.author().to_string(),
    };
    let mut report = |stage: &'static str, done, total| progress(Progress { stage, done, total });
    classify::classify(h.pool(), h.embedders(), &opts, &mut report).await
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct QueueRequest {
    #[serde(default)]
    pub filter: ReviewFilter,
    #[serde(default)]
    pub order: ReviewOrder,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub limit: Option<i64>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub offset: Option<i64>,
}

/// A page of the queue (not leased).
pub async fn list(h: &Handle, req: QueueRequest) -> Result<ReviewPage> {
    queue::list(
        h.pool(),
        h.author(),
        &req.filter,
        req.order,
        req.limit.unwrap_or(REVIEW_PAGE_DEFAULT),
        req.offset.unwrap_or(0),
    )
    .await
}

/// The next items, leased to the caller (the focus view asks for a few ahead).
pub async fn next(h: &Handle, req: QueueRequest) -> Result<ReviewPage> {
    queue::next(
        h.pool(),
        h.author(),
        &req.filter,
        req.order,
        req.limit.unwrap_or(REVIEW_PAGE_DEFAULT),
    )
    .await
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ItemRequest {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub item: i64,
}

/// Releases the caller's leases (the focus view calls it when its filter changes or it closes).
pub async fn release(h: &Handle) -> Result<u64> {
    queue::release(h.pool(), h.author()).await
}

pub async fn item(h: &Handle, req: ItemRequest) -> Result<ReviewItem> {
    queue::get(h.pool(), req.item).await
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DecideRequest {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub item: i64,
    pub decision: Decision,
}

pub async fn decide(h: &Handle, req: DecideRequest) -> Result<DecisionOutcome> {
    review::decide(h.pool(), req.item, &req.decision, h.author()).await
}

pub async fn skip(h: &Handle, req: ItemRequest) -> Result<()> {
    review::skip(h.pool(), req.item, h.author()).await
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UndoRequest {
    /// A decision from the caller's recent ones (default: the latest).
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub decision: Option<i64>,
}

pub async fn undo(h: &Handle, req: UndoRequest) -> Result<Undone> {
    review::undo(h.pool(), h.author(), req.decision).await
}

pub async fn recent(h: &Handle) -> Result<Vec<RecentDecision>> {
    review::recent(h.pool(), h.author()).await
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BulkRequest {
    #[serde(default)]
    pub filter: ReviewFilter,
    /// Refuse items whose top confidence is below this unless `force` (default 0.5).
    pub floor: Option<f32>,
    #[serde(default)]
    pub force: bool,
    /// Count, write nothing.
    #[serde(default)]
    pub dry_run: bool,
}

pub async fn bulk_accept(h: &Handle, req: BulkRequest) -> Result<BulkOutcome> {
    review::bulk_accept(
        h.pool(),
        h.author(),
        &req.filter,
        req.floor.unwrap_or(limits::REVIEW_BULK_FLOOR),
        req.force,
        req.dry_run,
    )
    .await
}

pub async fn stats(h: &Handle) -> Result<ReviewStats> {
    review::stats(h.pool()).await
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CountsRequest {
    /// The categories whose counts are wanted (the tree asks for the rows it shows).
    pub keys: Vec<String>,
}

/// Documents and open review items per category, for the tree.
pub async fn category_counts(h: &Handle, req: CountsRequest) -> Result<Vec<CategoryCounts>> {
    if req.keys.len() > 10_000 {
        return Err(dtrag_core::Error::Invalid(
            "ask for the counts of at most 10,000 categories at a time".into(),
        ));
    }
    review::category_counts(h.pool(), &req.keys).await
}

/// Every live classification (optionally of one status), for `classifications export`.
pub async fn export(h: &Handle, status: Option<String>) -> Result<Vec<ClassificationRecord>> {
    review::export::export(h.pool(), status.as_deref()).await
}
