//! Undo: puts a reviewer's decision back exactly — each row it changed returns to its earlier
//! status, rows it created are superseded, and the item is open again (leased to the reviewer).
//! Refused as a conflict when something changed those rows since.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;

use super::decide::Change;
use crate::audit;
use crate::error::{Error, Result};
use crate::limits;

#[derive(sqlx::FromRow)]
struct DecisionRow {
    id: i64,
    review_item_id: i64,
    action: String,
    changes: serde_json::Value,
}

/// What was undone.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Undone {
    pub decision_id: i64,
    pub item: i64,
    pub action: String,
}

/// Undoes `reviewer`'s latest decision, or the given one (which must be theirs and not undone).
pub async fn undo(pool: &PgPool, reviewer: &str, decision: Option<i64>) -> Result<Undone> {
    let mut tx = pool.begin().await?;
    let row: DecisionRow = sqlx::query_as(
        "SELECT id, review_item_id, action, changes FROM review_decision
         WHERE reviewer = $1 AND undone_at IS NULL AND ($2::int8 IS NULL OR id = $2)
         ORDER BY id DESC LIMIT 1 FOR UPDATE",
    )
    .bind(reviewer)
    .bind(decision)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| match decision {
        Some(id) => Error::not_found("decision of yours to undo", id.to_string()),
        None => Error::not_found("decision of yours to undo", ""),
    })?;
    let status: Option<String> =
        sqlx::query_scalar("SELECT status FROM review_item WHERE id = $1 FOR UPDATE")
            .bind(row.review_item_id)
            .fetch_optional(&mut *tx)
            .await?;
    if status.as_deref() != Some("decided") {
        return Err(Error::ReviewConflict {
            item: row.review_item_id,
            reason: "is no longer decided: the decision cannot be undone".into(),
        });
    }
    let changes: Vec<Change> = serde_json::from_value(row.changes)
        .map_err(|e| Error::Internal(format!("decision {} is unreadable: {e}", row.id)))?;
    for c in &changes {
        let now: Option<String> =
            sqlx::query_scalar("SELECT status FROM classification WHERE id = $1 FOR UPDATE")
                .bind(c.id)
                .fetch_optional(&mut *tx)
                .await?;
        if now.as_deref() != Some(c.after.as_str()) {
            return Err(Error::ReviewConflict {
                item: row.review_item_id,
                reason: "changed since the decision (a later decision or taxonomy change): \
                         nothing was undone"
                    .into(),
            });
        }
        let restored: (
            String,
            Option<String>,
            Option<String>,
            Option<DateTime<Utc>>,
        ) = match &c.before {
            Some(before) => (
                before.clone(),
                c.before_source.clone(),
                c.before_decided_by.clone(),
                c.before_decided_at,
            ),
            None => ("superseded".into(), None, None, None),
        };
        sqlx::query(
            "UPDATE classification SET status = $2, source = coalesce($3, source),
                    decided_by = CASE WHEN $2 = 'superseded' THEN decided_by ELSE $4 END,
                    decided_at = CASE WHEN $2 = 'superseded' THEN decided_at ELSE $5 END
             WHERE id = $1",
        )
        .bind(c.id)
        .bind(&restored.0)
        .bind(&restored.1)
        .bind(&restored.2)
        .bind(restored.3)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "UPDATE review_item SET status = 'open', decision = NULL, decided_by = NULL,
                decided_at = NULL, lease_owner = $2,
                lease_until = now() + make_interval(secs => $3)
         WHERE id = $1",
    )
    .bind(row.review_item_id)
    .bind(reviewer)
    .bind(limits::REVIEW_LEASE_SECS)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE review_decision SET undone_at = clock_timestamp() WHERE id = $1")
        .bind(row.id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        reviewer,
        "review.undo",
        None,
        serde_json::json!({ "decision": row.id, "item": row.review_item_id, "action": row.action }),
    )
    .await?;
    tx.commit().await?;
    Ok(Undone {
        decision_id: row.id,
        item: row.review_item_id,
        action: row.action,
    })
}

/// A decision in the reviewer's sidebar.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RecentDecision {
    pub decision_id: i64,
    pub item: i64,
    pub document: String,
    pub title: String,
    pub action: String,
    pub at: DateTime<Utc>,
    /// The categories the decision accepted.
    pub accepted: Vec<String>,
}

/// `reviewer`'s last decisions that are not undone, newest first.
pub async fn recent(pool: &PgPool, reviewer: &str) -> Result<Vec<RecentDecision>> {
    Ok(sqlx::query_as(
        "SELECT d.id AS decision_id, d.review_item_id AS item, doc.source_id AS document,
                doc.title, d.action, d.at,
                ARRAY(SELECT n.key FROM jsonb_array_elements(d.changes) ch
                      JOIN classification c ON c.id = (ch->>'id')::int8
                      JOIN node n ON n.id = c.node_id
                      WHERE ch->>'after' = 'accepted' ORDER BY n.key) AS accepted
         FROM review_decision d JOIN review_item r ON r.id = d.review_item_id
         JOIN document doc ON doc.id = r.document_id
         WHERE d.reviewer = $1 AND d.undone_at IS NULL
         ORDER BY d.id DESC LIMIT $2",
    )
    .bind(reviewer)
    .bind(limits::RECENT_DECISIONS)
    .fetch_all(pool)
    .await?)
}
