//! Which embedding models exist (`embedding_model`): register, list, choose the default, remove.
//! Several models coexist, each with its own vectors and HNSW index; switching models is a
//! re-embedding job, not a migration.

use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};

use crate::error::{Error, Result};
use crate::limits;

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
            other => Err(Error::Internal(format!(
                "the database names an unknown embedding provider {other:?}"
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
        let (m, efc, efs) = (
            limits::HNSW_M,
            limits::HNSW_EF_CONSTRUCTION,
            limits::HNSW_EF_SEARCH,
        );
        if !m.contains(&self.m) {
            return Err(Error::Invalid(format!(
                "m must be {}..={}, not {}",
                m.start(),
                m.end(),
                self.m
            )));
        }
        if !efc.contains(&self.ef_construction) || self.ef_construction < 2 * self.m {
            return Err(Error::Invalid(format!(
                "ef_construction must be {}..={} and at least 2·m ({}), not {}",
                efc.start(),
                efc.end(),
                2 * self.m,
                self.ef_construction
            )));
        }
        if !efs.contains(&self.ef_search) {
            return Err(Error::Invalid(format!(
                "ef_search must be {}..={}, not {}",
                efs.start(),
                efs.end(),
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

/// How [`Model::embedded`] is filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counts {
    /// The number of stored vectors: what `models list` and the embedding job report.
    Exact,
    /// 1 when the model has any vector, else 0: all a search asks (vectors or the BM25 fallback),
    /// and counting 100k vectors on every query cost more than the query's own index lookup.
    Presence,
}

fn model_columns(counts: Counts) -> String {
    let embedded = match counts {
        Counts::Exact => "(SELECT count(*) FROM chunk_embedding e WHERE e.model_id = m.id)",
        Counts::Presence => {
            "(SELECT count(*) FROM (SELECT 1 FROM chunk_embedding e WHERE e.model_id = m.id LIMIT 1) x)"
        }
    };
    format!(
        "m.id, m.name, m.provider, m.dims, m.config, m.hnsw_m,
         m.hnsw_ef_construction, m.hnsw_ef_search, m.is_default,
         {embedded} AS embedded,
         (SELECT chunks FROM bm25_corpus) AS chunks,
         to_regclass('chunk_embedding_hnsw_' || m.id) IS NOT NULL AS indexed"
    )
}

/// A row of [`model_columns`], as the database returns it.
#[derive(sqlx::FromRow)]
struct ModelRow {
    id: i32,
    name: String,
    provider: String,
    dims: i32,
    config: serde_json::Value,
    hnsw_m: i32,
    hnsw_ef_construction: i32,
    hnsw_ef_search: i32,
    is_default: bool,
    embedded: i64,
    chunks: i64,
    indexed: bool,
}

impl TryFrom<ModelRow> for Model {
    type Error = Error;

    fn try_from(r: ModelRow) -> Result<Model> {
        Ok(Model {
            id: r.id,
            name: r.name,
            provider: Provider::parse(&r.provider)?,
            dims: r.dims,
            config: r.config,
            hnsw: HnswSettings {
                m: r.hnsw_m,
                ef_construction: r.hnsw_ef_construction,
                ef_search: r.hnsw_ef_search,
            },
            is_default: r.is_default,
            embedded: r.embedded,
            chunks: r.chunks,
            indexed: r.indexed,
        })
    }
}

pub async fn list(conn: &mut PgConnection) -> Result<Vec<Model>> {
    let rows: Vec<ModelRow> = sqlx::query_as(&format!(
        "SELECT {} FROM embedding_model m ORDER BY m.name",
        model_columns(Counts::Exact)
    ))
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(Model::try_from).collect()
}

/// The model named `name`, or the default model when `name` is `None`.
pub async fn get(conn: &mut PgConnection, name: Option<&str>) -> Result<Model> {
    get_with(conn, name, Counts::Exact).await
}

/// [`get`], with `embedded` filled as `counts` says.
pub async fn get_with(
    conn: &mut PgConnection,
    name: Option<&str>,
    counts: Counts,
) -> Result<Model> {
    let row: Option<ModelRow> = sqlx::query_as(&format!(
        "SELECT {} FROM embedding_model m
         WHERE CASE WHEN $1::text IS NULL THEN m.is_default ELSE m.name = $1 END",
        model_columns(counts)
    ))
    .bind(name)
    .fetch_optional(conn)
    .await?;
    match (row, name) {
        (Some(r), _) => Model::try_from(r),
        (None, Some(n)) => Err(Error::NotFound {
            what: "embedding model",
            name: n.to_string(),
            hint: ": see `dtrag models list`".into(),
        }),
        (None, None) => Err(Error::NotFound {
            what: "default embedding model",
            name: String::new(),
            hint: ": add one with `dtrag models add local` and embed with `dtrag embed`".into(),
        }),
    }
}

/// The default model, if one is registered.
pub async fn default_model(conn: &mut PgConnection) -> Result<Option<Model>> {
    default_model_with(conn, Counts::Exact).await
}

/// [`default_model`], with `embedded` filled as `counts` says.
pub async fn default_model_with(conn: &mut PgConnection, counts: Counts) -> Result<Option<Model>> {
    match get_with(conn, None, counts).await {
        Ok(m) => Ok(Some(m)),
        Err(Error::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Registers a model. The first model registered becomes the default.
pub async fn register(pool: &PgPool, new: &NewModel) -> Result<Model> {
    new.hnsw.check()?;
    let dims = limits::VECTOR_DIMS;
    if !dims.contains(&new.dims) {
        return Err(Error::Invalid(format!(
            "dimensions must be {}..={} (pgvector's HNSW limit for `vector`), not {}",
            dims.start(),
            dims.end(),
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
    .map_err(|e| refusal(e, new))?;
    let model = get(&mut tx, Some(&new.name)).await?;
    tx.commit().await?;
    Ok(model)
}

/// What a constraint of `embedding_model` refusing `new` means, in words.
fn refusal(e: sqlx::Error, new: &NewModel) -> Error {
    let constraint = e.as_database_error().and_then(|d| d.constraint());
    match constraint {
        Some("embedding_model_name_check") => Error::Invalid(format!(
            "model name {:?} is not allowed: letters, digits and . _ : / - (up to 100)",
            new.name
        )),
        Some("embedding_model_name_key") => Error::Invalid(format!(
            "an embedding model named {:?} already exists",
            new.name
        )),
        Some(other) => Error::Invalid(format!(
            "model {:?} refused by the rule {other}: check its settings",
            new.name
        )),
        None => Error::Db(e),
    }
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
    sqlx::query("SELECT dtrag_hnsw_drop($1)")
        .bind(model.id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM embedding_model WHERE id = $1")
        .bind(model.id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
