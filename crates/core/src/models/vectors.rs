//! The vectors of each model per chunk (`chunk_embedding`) and the resumable embedding job.

use std::sync::Arc;
use std::time::Instant;

use dtrag_embed::Embedder;
use pgvector::Vector;
use serde::Serialize;
use sqlx::PgPool;

use super::Model;
use crate::error::{Error, Result};
use crate::limits;

/// Stores `vectors[i]` as `model`'s vector of chunk `ids[i]`, in one statement. A chunk removed
/// meanwhile is skipped (the join); a vector already stored is kept.
pub async fn insert_vectors(
    pool: &PgPool,
    model: &Model,
    ids: &[i64],
    vectors: &[Vector],
) -> Result<()> {
    sqlx::query(
        "INSERT INTO chunk_embedding (model_id, chunk_id, embedding)
         SELECT $1, x.id, x.v FROM unnest($2::int8[], $3::vector[]) AS x(id, v)
         JOIN chunk c ON c.id = x.id
         ON CONFLICT (model_id, chunk_id) DO NOTHING",
    )
    .bind(model.id)
    .bind(ids)
    .bind(vectors)
    .execute(pool)
    .await?;
    Ok(())
}

/// What an embedding job did.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EmbedReport {
    pub embedded: usize,
    pub took_ms: f64,
    pub chunks_per_s: f64,
    /// Time spent inside the embedder (the rest is reading and writing the database).
    pub embed_ms: f64,
}

/// Embeds every chunk that has no vector from `model` yet, `batch` chunks at a time; each batch
/// is written in its own transaction, so an interrupted job keeps what it did and a second run
/// continues where it stopped. `progress(done, total)` is called after each batch.
pub async fn embed_pending(
    pool: &PgPool,
    model: &Model,
    embedder: Arc<dyn Embedder>,
    batch: usize,
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> Result<EmbedReport> {
    if embedder.info().dims != model.dims as usize {
        return Err(Error::Invalid(format!(
            "the embedder gives {} dimensions, model {:?} is registered with {}",
            embedder.info().dims,
            model.name,
            model.dims
        )));
    }
    let batch = batch.clamp(*limits::EMBED_BATCH.start(), *limits::EMBED_BATCH.end());
    let total: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM chunk c
         WHERE NOT EXISTS (SELECT 1 FROM chunk_embedding e WHERE e.model_id = $1 AND e.chunk_id = c.id)",
    )
    .bind(model.id)
    .fetch_one(pool)
    .await?;
    let total = total as usize;
    let started = Instant::now();
    let mut report = EmbedReport::default();
    let mut after = 0i64;
    progress(0, total);
    loop {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT c.id, c.text FROM chunk c
             WHERE c.id > $2
               AND NOT EXISTS (SELECT 1 FROM chunk_embedding e WHERE e.model_id = $1 AND e.chunk_id = c.id)
             ORDER BY c.id LIMIT $3",
        )
        .bind(model.id)
        .bind(after)
        .bind(batch as i64)
        .fetch_all(pool)
        .await?;
        let Some(last) = rows.last() else { break };
        after = last.0;
        let t = Instant::now();
        let emb = Arc::clone(&embedder);
        let texts: Vec<String> = rows.iter().map(|r| r.1.clone()).collect();
        let vectors = tokio::task::spawn_blocking(move || {
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            emb.embed(&refs)
        })
        .await
        .map_err(|e| Error::Internal(format!("the embedding task failed: {e}")))??;
        report.embed_ms += t.elapsed().as_secs_f64() * 1e3;
        if vectors.len() != rows.len() {
            return Err(Error::Internal(format!(
                "the embedder returned {} vectors for {} texts",
                vectors.len(),
                rows.len()
            )));
        }
        let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
        let vectors: Vec<Vector> = vectors.into_iter().map(Vector::from).collect();
        insert_vectors(pool, model, &ids, &vectors).await?;
        report.embedded += rows.len();
        progress(report.embedded.min(total), total);
    }
    report.took_ms = started.elapsed().as_secs_f64() * 1e3;
    report.chunks_per_s = if report.took_ms > 0.0 {
        report.embedded as f64 / (report.took_ms / 1e3)
    } else {
        0.0
    };
    Ok(report)
}
