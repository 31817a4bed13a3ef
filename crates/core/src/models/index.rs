//! One HNSW index per model, and the k-nearest-neighbour SQL that uses it.
//!
//! The per-model index is a *partial expression* index over the shared table:
//! `USING hnsw ((embedding::vector(D)) vector_cosine_ops) WHERE model_id = M`. Queries must repeat
//! that expression and predicate literally for the planner to use it, so the model id and the
//! dimension are written into the SQL text (they are integers read from the database, never user
//! text) — see [`knn_sql`].

use std::time::Instant;

use serde::Serialize;
use sqlx::PgPool;

use super::{catalog, HnswSettings, Model};
use crate::error::{Error, Result};

/// What building an index did.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IndexReport {
    pub index: String,
    pub took_ms: f64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size_bytes: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub vectors: i64,
    pub hnsw: HnswSettings,
}

/// (Re)builds the model's HNSW index, with new settings when given (they are saved with the
/// model). One transaction: a failed build leaves the old index and settings in place.
pub async fn build_index(
    pool: &PgPool,
    name: &str,
    settings: Option<HnswSettings>,
) -> Result<IndexReport> {
    let mut tx = pool.begin().await?;
    let mut model = catalog::get(&mut tx, Some(name)).await?;
    if let Some(s) = settings {
        s.check()?;
        sqlx::query(
            "UPDATE embedding_model SET hnsw_m = $2, hnsw_ef_construction = $3, hnsw_ef_search = $4
             WHERE id = $1",
        )
        .bind(model.id)
        .bind(s.m)
        .bind(s.ef_construction)
        .bind(s.ef_search)
        .execute(&mut *tx)
        .await?;
        model.hnsw = s;
    }
    // Building is memory-bound: give it room, and both cores.
    sqlx::query("SET LOCAL maintenance_work_mem = '1GB'")
        .execute(&mut *tx)
        .await?;
    sqlx::query("SET LOCAL max_parallel_maintenance_workers = 2")
        .execute(&mut *tx)
        .await?;
    let started = Instant::now();
    // CREATE INDEX needs the table's owner: the definer function of migration 0016 builds the
    // index from the settings just stored for the model (the same SQL as before).
    sqlx::query("SELECT dtrag_hnsw_build($1)")
        .bind(model.id)
        .execute(&mut *tx)
        .await
        .map_err(|e| match e.as_database_error() {
            Some(d) if d.code().as_deref() == Some("22000") => Error::Invalid(format!(
                "model {:?} has vectors of another dimension than its {}: {}",
                model.name,
                model.dims,
                d.message()
            )),
            _ => Error::Db(e),
        })?;
    let took_ms = started.elapsed().as_secs_f64() * 1e3;
    let size_bytes: i64 = sqlx::query_scalar("SELECT pg_relation_size(to_regclass($1))")
        .bind(model.index_name())
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(IndexReport {
        index: model.index_name(),
        took_ms,
        size_bytes,
        vectors: model.embedded,
        hnsw: model.hnsw,
    })
}

/// How a k-nearest-neighbour query reads the vectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum KnnPlan {
    /// Through the model's HNSW index (approximate), iterative scans filling a filtered `k`.
    Hnsw,
    /// Every vector of the model (exact; the ground truth for recall).
    Exact,
    /// Only the vectors of the chunks in scope, by primary key (exact; for small scopes, where
    /// this is cheaper than walking the graph past the excluded rows).
    ExactInScope,
}

/// The k-nearest-neighbour query for `model`: `$1` the query vector, `$2` the number of rows, and
/// when `scoped`, `$3` the array of chunk ids to stay within. The HNSW plan repeats the partial
/// index's expression and predicate literally (the model id and dimension are integers from the
/// database), so the planner can use it; the exact plans compute the same cosine distance
/// without that expression, so they never touch the index.
pub fn knn_sql(model: &Model, plan: KnnPlan, scoped: bool) -> String {
    let dist = match plan {
        KnnPlan::Hnsw => format!(
            "(e.embedding::vector({d}) <=> $1::vector({d}))",
            d = model.dims
        ),
        KnnPlan::Exact | KnnPlan::ExactInScope => "(e.embedding <=> $1::vector)".to_string(),
    };
    let id = model.id;
    if (plan, scoped) == (KnnPlan::ExactInScope, true) {
        // One lookup by key per chunk in scope, as a LATERAL subquery that OFFSET 0 keeps from
        // being flattened into a join. As a join, the planner merge-joined the scope against the
        // whole model's index or hashed a scan of every vector; and under an agent's row policy
        // (a hashed subplan on chunk_embedding) it sorted every visible vector, spilling to
        // disk, then nested-looped the scope against it: 40 ms for 5,859 chunks, 11 ms this way.
        return format!(
            "SELECT chunk_id, distance FROM (
                 SELECT s.id AS chunk_id, x.distance
                 FROM unnest($3::int8[]) AS s(id)
                 CROSS JOIN LATERAL (
                     SELECT {dist} AS distance FROM chunk_embedding e
                     WHERE e.model_id = {id} AND e.chunk_id = s.id OFFSET 0
                 ) AS x
                 ORDER BY x.distance LIMIT $2
             ) AS nearest
             ORDER BY distance, chunk_id"
        );
    }
    let from = match (plan, scoped) {
        (_, true) => format!(
            "chunk_embedding e WHERE e.model_id = {id} AND e.chunk_id IN (SELECT unnest($3::int8[]))"
        ),
        (_, false) => format!("chunk_embedding e WHERE e.model_id = {id}"),
    };
    // Relaxed iterative scans may return rows slightly out of order: the outer query orders by
    // the distance again.
    format!(
        "SELECT chunk_id, distance FROM (
             SELECT e.chunk_id, {dist} AS distance FROM {from} ORDER BY {dist} LIMIT $2
         ) AS nearest
         ORDER BY distance, chunk_id"
    )
}
