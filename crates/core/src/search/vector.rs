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

/// Where an exact scan of `scope` splits between two connections, when it is worth splitting
/// (see [`limits::SPLIT_SCAN_CHUNKS`]): the two halves of the scope, in its order.
pub fn split_scope(plan: KnnPlan, scope: Option<&[i64]>) -> Option<(&[i64], &[i64])> {
    match (plan, scope) {
        (KnnPlan::ExactInScope, Some(s)) if s.len() >= limits::SPLIT_SCAN_CHUNKS => {
            Some(s.split_at(s.len() / 2))
        }
        _ => None,
    }
}

/// The `k` nearest of two parts' nearest lists, in the order one scan would give (distance,
/// then chunk id): each part holds its own `k` nearest, so the union holds the whole scope's.
pub fn merge_nearest(mut a: Vec<Ranked>, b: Vec<Ranked>, k: i64) -> Vec<Ranked> {
    a.extend(b);
    a.sort_by(|x, y| {
        x.value
            .total_cmp(&y.value)
            .then(x.chunk_id.cmp(&y.chunk_id))
    });
    a.truncate(usize::try_from(k).unwrap_or(0));
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(chunk_id: i64, value: f64) -> Ranked {
        Ranked { chunk_id, value }
    }

    #[test]
    fn only_large_exact_scopes_split_in_two_halves() {
        let big: Vec<i64> = (1..=limits::SPLIT_SCAN_CHUNKS as i64 + 1).collect();
        let (a, b) = split_scope(KnnPlan::ExactInScope, Some(&big)).expect("splits");
        assert_eq!(a.len() + b.len(), big.len());
        assert_eq!((a.first(), b.last()), (big.first(), big.last()));
        assert_eq!(a.len(), big.len() / 2);
        let small = &big[..limits::SPLIT_SCAN_CHUNKS - 1];
        assert!(split_scope(KnnPlan::ExactInScope, Some(small)).is_none());
        assert!(split_scope(KnnPlan::Hnsw, Some(&big)).is_none());
        assert!(split_scope(KnnPlan::Exact, None).is_none());
    }

    #[test]
    fn merged_parts_are_the_k_nearest_in_scan_order() {
        let a = vec![r(4, 0.1), r(2, 0.3), r(9, 0.5)];
        let b = vec![r(7, 0.2), r(3, 0.3), r(8, 0.9)];
        let got: Vec<i64> = merge_nearest(a, b, 4).iter().map(|h| h.chunk_id).collect();
        // Equal distances fall back to the chunk id, as the SQL orders them.
        assert_eq!(got, vec![4, 7, 2, 3]);
        assert!(merge_nearest(vec![r(1, 0.1)], Vec::new(), 0).is_empty());
        assert_eq!(merge_nearest(Vec::new(), vec![r(5, 0.4)], 10).len(), 1);
    }
}
