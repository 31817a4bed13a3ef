//! `dtrag classifications export`: the live classifications as JSON Lines records.

use serde::Serialize;
use sqlx::PgPool;

use crate::error::{Error, Result};

/// Statuses a row can be exported with (superseded rows are history, not exported).
pub const STATUSES: [&str; 4] = ["auto_accepted", "pending", "accepted", "rejected"];

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClassificationRecord {
    /// The document's id as imported.
    pub document: String,
    pub category: String,
    pub confidence: f32,
    pub status: String,
    pub source: String,
    /// Why it is (or was) in the review queue, if it was.
    pub reason: Option<String>,
}

/// Every live classification, optionally of one status, by document and category.
pub async fn export(pool: &PgPool, status: Option<&str>) -> Result<Vec<ClassificationRecord>> {
    if let Some(s) = status.filter(|s| !STATUSES.contains(s)) {
        return Err(Error::Invalid(format!(
            "unknown status {s:?}: one of {}",
            STATUSES.join(", ")
        )));
    }
    Ok(sqlx::query_as(
        "SELECT d.source_id AS document, n.key AS category, c.confidence, c.status, c.source,
                r.reason
         FROM classification c JOIN document d ON d.id = c.document_id
         JOIN node n ON n.id = c.node_id LEFT JOIN review_item r ON r.id = c.review_item_id
         WHERE c.status <> 'superseded' AND ($1::text IS NULL OR c.status = $1)
         ORDER BY d.source_id, n.key",
    )
    .bind(status)
    .fetch_all(pool)
    .await?)
}
