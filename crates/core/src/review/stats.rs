//! Queue metrics: what is pending, what was decided, the HITL rate, and the precision of
//! auto-acceptance as measured on audit samples beside the classifier's own estimate.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;

use crate::classify::calibrate::{Assessment, CurvePoint};
use crate::error::Result;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReasonCount {
    pub reason: String,
    pub count: i64,
}

/// The last classifier run: its threshold, estimate and risk–coverage curve (the precision
/// dial shows what another target would give).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RunSummary {
    pub run: i64,
    pub model: Option<String>,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub target_precision: f32,
    pub threshold: Option<f32>,
    pub estimated_precision: Option<f32>,
    pub documents: i32,
    pub auto_accepted: i32,
    pub queued: i32,
    pub curve: Vec<CurvePoint>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReviewStats {
    pub pending: i64,
    pub pending_by_reason: Vec<ReasonCount>,
    pub decided_today: i64,
    pub decided_total: i64,
    /// Documents the classifier handled, and how many of them it sent to people.
    pub classified_documents: i64,
    pub queued_documents: i64,
    pub hitl_rate: Option<f32>,
    /// Audit samples decided, and how many of them confirmed the auto-acceptance.
    pub audit_decided: i64,
    pub audit_confirmed: i64,
    pub measured_precision: Option<f32>,
    pub last_run: Option<RunSummary>,
}

#[derive(sqlx::FromRow)]
struct RunRow {
    id: i64,
    model: Option<String>,
    started_at: DateTime<Utc>,
    finished_at: Option<DateTime<Utc>>,
    target_precision: f32,
    threshold: Option<f32>,
    estimated_precision: Option<f32>,
    documents: i32,
    auto_accepted: i32,
    queued: i32,
    calibration: serde_json::Value,
}

pub async fn stats(pool: &PgPool) -> Result<ReviewStats> {
    let mut conn = pool.acquire().await?;
    let pending_by_reason: Vec<ReasonCount> = sqlx::query_as(
        "SELECT reason, count(*) AS count FROM review_item WHERE status = 'open'
         GROUP BY reason ORDER BY reason",
    )
    .fetch_all(&mut *conn)
    .await?;
    let (decided_today, decided_total): (i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE decided_at >= date_trunc('day', now())), count(*)
         FROM review_item WHERE status = 'decided'",
    )
    .fetch_one(&mut *conn)
    .await?;
    let (classified, queued): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(DISTINCT document_id) FROM classification
                 WHERE method = 'classifier' AND status <> 'superseded'),
                (SELECT count(DISTINCT document_id) FROM review_item
                 WHERE reason = 'low_confidence' AND status <> 'withdrawn')",
    )
    .fetch_one(&mut *conn)
    .await?;
    let (audit_decided, audit_confirmed): (i64, i64) = sqlx::query_as(
        "SELECT count(*), count(*) FILTER (WHERE decision = 'accept')
         FROM review_item WHERE reason = 'audit_sample' AND status = 'decided'",
    )
    .fetch_one(&mut *conn)
    .await?;
    let run: Option<RunRow> = sqlx::query_as(
        "SELECT r.id, m.name AS model, r.started_at, r.finished_at, r.target_precision,
                r.threshold, r.estimated_precision, r.documents, r.auto_accepted, r.queued,
                r.calibration
         FROM classifier_run r LEFT JOIN embedding_model m ON m.id = r.model_id
         ORDER BY r.id DESC LIMIT 1",
    )
    .fetch_optional(&mut *conn)
    .await?;
    let ratio = |a: i64, b: i64| (b > 0).then(|| a as f32 / b as f32);
    Ok(ReviewStats {
        pending: pending_by_reason.iter().map(|r| r.count).sum(),
        pending_by_reason,
        decided_today,
        decided_total,
        classified_documents: classified,
        queued_documents: queued,
        hitl_rate: ratio(queued, classified),
        audit_decided,
        audit_confirmed,
        measured_precision: ratio(audit_confirmed, audit_decided),
        last_run: run.map(|r| RunSummary {
            run: r.id,
            model: r.model,
            started_at: r.started_at,
            finished_at: r.finished_at,
            target_precision: r.target_precision,
            threshold: r.threshold,
            estimated_precision: r.estimated_precision,
            documents: r.documents,
            auto_accepted: r.auto_accepted,
            queued: r.queued,
            curve: serde_json::from_value::<Assessment>(r.calibration)
                .map(|a| a.curve)
                .unwrap_or_default(),
        }),
    })
}

/// Per category: documents classified directly under it, and open review items suggesting it
/// (or about it, for a removed or split category) — what the tree shows beside each node.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CategoryCounts {
    pub key: String,
    pub documents: i64,
    pub pending: i64,
}

/// Counts for the given keys (unknown keys are left out; keys without any are all zeros).
pub async fn category_counts(pool: &PgPool, keys: &[String]) -> Result<Vec<CategoryCounts>> {
    Ok(sqlx::query_as(
        "SELECT n.key,
                (SELECT count(*) FROM classification c
                 WHERE c.node_id = n.id AND c.status IN ('accepted', 'auto_accepted')) AS documents,
                (SELECT count(DISTINCT r.id) FROM review_item r
                 LEFT JOIN classification c ON c.review_item_id = r.id AND c.status = 'pending'
                 WHERE r.status = 'open' AND (c.node_id = n.id OR r.context_node_id = n.id)
                ) AS pending
         FROM node n WHERE n.key = ANY($1::text[]) ORDER BY n.key",
    )
    .bind(keys)
    .fetch_all(pool)
    .await?)
}
