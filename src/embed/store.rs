//! The embedding store: which models exist (`embedding_model`), their vectors per chunk
//! (`chunk_embedding`), the re-embedding job, and one HNSW index per model.
//!
//! The per-model index is a *partial expression* index over the shared table:
//! `USING hnsw ((embedding::vector(D)) vector_cosine_ops) WHERE model_id = M`. Queries must repeat
//! that expression and predicate literally for the planner to use it, so the model id and the
//! dimension are written into the SQL text (they are integers read from the database, never user
//! text) — see [`knn_sql`].

use std::sync::Arc;
use std::time::Instant;

use pgvector::Vector;
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool, Row};

use super::Embedder;
use crate::error::{Error, Result};

/// Where a model's vectors come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Provider {
    /// In-process candle model from the local model folder.
    Local,
    /// An OpenAI-compatible `/v1/embeddings` endpoint.
    Openai,
}

impl Provider {
    fn as_str(self) -> &'static str {
        match self {
            Provider::Local => "local",
            Provider::Openai => "openai",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        match s {
            "local" => Ok(Provider::Local),
            "openai" => Ok(Provider::Openai),
            other => Err(Error::Invalid(format!(
                "unknown embedding provider {other:?}"
            ))),
        }
    }
}

/// HNSW build and search settings of one model's index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HnswSettings {
    /// Graph degree: more links, better recall, bigger index.
    pub m: i32,
    /// Candidate list size while building.
    pub ef_construction: i32,
    /// Candidate list size while searching (`hnsw.ef_search`).
    pub ef_search: i32,
}

impl Default for HnswSettings {
    fn default() -> Self {
        HnswSettings {
            m: 16,
            ef_construction: 64,
            ef_search: 100,
        }
    }
}

impl HnswSettings {
    pub fn check(&self) -> Result<()> {
        if !(2..=100).contains(&self.m) {
            return Err(Error::Invalid(format!("m must be 2..=100, not {}", self.m)));
        }
        if !(4..=1000).contains(&self.ef_construction) || self.ef_construction < 2 * self.m {
            return Err(Error::Invalid(format!(
                "ef_construction must be 4..=1000 and at least 2·m ({}), not {}",
                2 * self.m,
                self.ef_construction
            )));
        }
        if !(1..=1000).contains(&self.ef_search) {
            return Err(Error::Invalid(format!(
                "ef_search must be 1..=1000, not {}",
                self.ef_search
            )));
        }
        Ok(())
    }
}

/// A registered model with what is stored for it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Model {
    pub id: i32,
    pub name: String,
    pub provider: Provider,
    pub dims: i32,
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub config: serde_json::Value,
    pub hnsw: HnswSettings,
    pub is_default: bool,
    /// Chunks with a vector from this model.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub embedded: i64,
    /// All chunks (so `chunks - embedded` are waiting for the job).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub chunks: i64,
    /// Whether the model's HNSW index exists.
    pub indexed: bool,
}

impl Model {
    /// The name of the model's partial HNSW index.
    pub fn index_name(&self) -> String {
        format!("chunk_embedding_hnsw_{}", self.id)
    }
}

/// A model to register.
#[derive(Debug, Clone)]
pub struct NewModel {
    pub name: String,
    pub provider: Provider,
    pub dims: i32,
    pub config: serde_json::Value,
    pub hnsw: HnswSettings,
}

const MODEL_COLUMNS: &str = "m.id, m.name, m.provider, m.dims, m.config, m.hnsw_m,
    m.hnsw_ef_construction, m.hnsw_ef_search, m.is_default,
    (SELECT count(*) FROM chunk_embedding e WHERE e.model_id = m.id) AS embedded,
    (SELECT chunks FROM bm25_corpus) AS chunks,
    to_regclass('chunk_embedding_hnsw_' || m.id) IS NOT NULL AS indexed";

fn model_from(r: &sqlx::postgres::PgRow) -> Result<Model> {
    Ok(Model {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        provider: Provider::parse(r.try_get::<&str, _>("provider")?)?,
        dims: r.try_get("dims")?,
        config: r.try_get("config")?,
        hnsw: HnswSettings {
            m: r.try_get("hnsw_m")?,
            ef_construction: r.try_get("hnsw_ef_construction")?,
            ef_search: r.try_get("hnsw_ef_search")?,
        },
        is_default: r.try_get("is_default")?,
        embedded: r.try_get("embedded")?,
        chunks: r.try_get("chunks")?,
        indexed: r.try_get("indexed")?,
    })
}

pub async fn list(conn: &mut PgConnection) -> Result<Vec<Model>> {
    let rows = sqlx::query(&format!(
        "SELECT {MODEL_COLUMNS} FROM embedding_model m ORDER BY m.name"
    ))
    .fetch_all(conn)
    .await?;
    rows.iter().map(model_from).collect()
}

/// The model named `name`, or the default model when `name` is `None`.
pub async fn get(conn: &mut PgConnection, name: Option<&str>) -> Result<Model> {
    let row = sqlx::query(&format!(
        "SELECT {MODEL_COLUMNS} FROM embedding_model m
         WHERE CASE WHEN $1::text IS NULL THEN m.is_default ELSE m.name = $1 END"
    ))
    .bind(name)
    .fetch_optional(conn)
    .await?;
    match (row, name) {
        (Some(r), _) => model_from(&r),
        (None, Some(n)) => Err(Error::Invalid(format!(
            "no embedding model {n:?}: see `dtrag models list`"
        ))),
        (None, None) => Err(Error::Invalid(
            "no default embedding model: add one with `dtrag models add local` and embed with \
             `dtrag embed`"
                .into(),
        )),
    }
}

/// Registers a model. The first model registered becomes the default.
pub async fn register(pool: &PgPool, new: &NewModel) -> Result<Model> {
    new.hnsw.check()?;
    if !(1..=2000).contains(&new.dims) {
        return Err(Error::Invalid(format!(
            "dimensions must be 1..=2000 (pgvector's HNSW limit for `vector`), not {}",
            new.dims
        )));
    }
    let mut tx = pool.begin().await?;
    let taken: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM embedding_model WHERE name = $1)")
            .bind(&new.name)
            .fetch_one(&mut *tx)
            .await?;
    if taken {
        return Err(Error::Invalid(format!(
            "an embedding model named {:?} already exists",
            new.name
        )));
    }
    sqlx::query(
        "INSERT INTO embedding_model (name, provider, dims, config, hnsw_m, hnsw_ef_construction,
                                      hnsw_ef_search, is_default)
         VALUES ($1, $2, $3, $4, $5, $6, $7, NOT EXISTS (SELECT 1 FROM embedding_model))",
    )
    .bind(&new.name)
    .bind(new.provider.as_str())
    .bind(new.dims)
    .bind(&new.config)
    .bind(new.hnsw.m)
    .bind(new.hnsw.ef_construction)
    .bind(new.hnsw.ef_search)
    .execute(&mut *tx)
    .await
    .map_err(
        |e| match e.as_database_error().and_then(|d| d.constraint()) {
            Some(_) => Error::Invalid(format!(
                "model name {:?} is not allowed: letters, digits and . _ : / - (up to 100)",
                new.name
            )),
            None => Error::Db(e),
        },
    )?;
    let model = get(&mut tx, Some(&new.name)).await?;
    tx.commit().await?;
    Ok(model)
}

/// Makes `name` the default model for searches.
pub async fn set_default(pool: &PgPool, name: &str) -> Result<Model> {
    let mut tx = pool.begin().await?;
    get(&mut tx, Some(name)).await?;
    sqlx::query("UPDATE embedding_model SET is_default = false WHERE is_default")
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE embedding_model SET is_default = true WHERE name = $1")
        .bind(name)
        .execute(&mut *tx)
        .await?;
    let model = get(&mut tx, Some(name)).await?;
    tx.commit().await?;
    Ok(model)
}

/// Removes a model with its vectors and index.
pub async fn remove(pool: &PgPool, name: &str) -> Result<()> {
    let mut tx = pool.begin().await?;
    let model = get(&mut tx, Some(name)).await?;
    sqlx::query(&format!("DROP INDEX IF EXISTS {}", model.index_name()))
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM embedding_model WHERE id = $1")
        .bind(model.id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

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
    let batch = batch.clamp(1, 4096);
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
        .map_err(|e| Error::Search(format!("the embedding task failed: {e}")))??;
        report.embed_ms += t.elapsed().as_secs_f64() * 1e3;
        if vectors.len() != rows.len() {
            return Err(Error::Search(format!(
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
    let mut model = get(&mut tx, Some(name)).await?;
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
    sqlx::query(&format!("DROP INDEX IF EXISTS {}", model.index_name()))
        .execute(&mut *tx)
        .await?;
    sqlx::query(&format!(
        "CREATE INDEX {} ON chunk_embedding USING hnsw ((embedding::vector({})) vector_cosine_ops)
         WITH (m = {}, ef_construction = {}) WHERE model_id = {}",
        model.index_name(),
        model.dims,
        model.hnsw.m,
        model.hnsw.ef_construction,
        model.id
    ))
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
    let from = match (plan, scoped) {
        (KnnPlan::ExactInScope, true) => format!(
            "unnest($3::int8[]) AS s(id) JOIN chunk_embedding e ON e.model_id = {id} AND e.chunk_id = s.id"
        ),
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
