//! Vector search over one model's stored embeddings: HNSW (pgvector 0.8, iterative scans when a
//! category scope filters rows out) or exact scans for ground truth and small scopes.

use pgvector::Vector;
use sqlx::PgConnection;

use super::fuse::Ranked;
use crate::error::Result;
use crate::limits;
use crate::models::{self, KnnPlan, Model};

/// The plan for a query: `exact` forces a full scan; a small scope is read by key.
pub fn plan_for(exact: bool, scope: Option<&[i64]>) -> KnnPlan {
    match scope {
        Some(s) if s.len() <= limits::EXACT_SCOPE_CHUNKS => KnnPlan::ExactInScope,
        _ if exact => KnnPlan::Exact,
        _ => KnnPlan::Hnsw,
    }
}

/// The `k` chunks nearest to `query` (cosine distance), nearest first. Runs in its own
/// transaction so the search settings stay local to it.
pub async fn ranked(
    conn: &mut PgConnection,
    model: &Model,
    query: &[f32],
    k: i64,
    scope: Option<&[i64]>,
    plan: KnnPlan,
    ef_search: Option<i32>,
) -> Result<Vec<Ranked>> {
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    if plan == KnnPlan::Hnsw {
        let ef = ef_search.unwrap_or(model.hnsw.ef_search).clamp(
            *limits::HNSW_EF_SEARCH.start(),
            *limits::HNSW_EF_SEARCH.end(),
        );
        // ef_search below k would cap the result size; iterative scans keep filling a filtered
        // result (relaxed order, re-sorted by the outer query).
        sqlx::query(&format!(
            "SET LOCAL hnsw.ef_search = {}",
            ef.max(k.min(*limits::HNSW_EF_SEARCH.end() as i64) as i32)
        ))
        .execute(&mut *tx)
        .await?;
        sqlx::query("SET LOCAL hnsw.iterative_scan = relaxed_order")
            .execute(&mut *tx)
            .await?;
        // A filtered scan (a large scope, or an agent's policy) that stops at pgvector's default
        // 20,000 tuples returns fewer than k rows: that was the agents' lost recall.
        sqlx::query(&format!(
            "SET LOCAL hnsw.max_scan_tuples = {}",
            limits::HNSW_MAX_SCAN_TUPLES
        ))
        .execute(&mut *tx)
        .await?;
    }
    // The exact plans use another expression than the index's, so they never touch it.
    let sql = models::knn_sql(model, plan, scope.is_some());
    let q = sqlx::query_as::<_, (i64, f64)>(&sql)
        .bind(Vector::from(query.to_vec()))
        .bind(k);
    let q = if let Some(s) = scope { q.bind(s) } else { q };
    let rows = q.fetch_all(&mut *tx).await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(|(chunk_id, value)| Ranked { chunk_id, value })
        .collect())
}
