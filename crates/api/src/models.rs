//! Embedding models: register, list, choose the default, remove, index, keys; and the embedding
//! job. The local model is registered on first use (embedding with no model named), the same way
//! for both faces.

use serde::Deserialize;

use dtrag_core::models::{self, EmbedderSource, HnswSettings, NewModel, Provider};
use dtrag_core::{Error, Result};
use dtrag_embed::local::{MINILM, MINILM_DIMS};
use dtrag_embed::openai::{self, OpenAiConfig};

use crate::progress::{Progress, Reporter};
use crate::types::{EmbedReport, IndexReport, Model};
use crate::Handle;

/// Chunks embedded per batch by the job unless asked otherwise: large enough to keep the model
/// busy, small enough that an interrupted job loses little.
pub const EMBED_BATCH_DEFAULT: usize = 64;

pub async fn list(h: &Handle) -> Result<Vec<Model>> {
    let mut conn = h.pool().acquire().await?;
    models::list(&mut conn).await
}

/// Registers the local all-MiniLM-L6-v2 model under `name` (default: the model's own name). The
/// first model registered becomes the default.
pub async fn add_local(h: &Handle, name: Option<String>, hnsw: HnswSettings) -> Result<Model> {
    let new = NewModel {
        name: name.unwrap_or_else(|| MINILM.to_string()),
        provider: Provider::Local,
        dims: MINILM_DIMS as i32,
        config: serde_json::json!({ "model": MINILM }),
        hnsw,
    };
    models::register(h.pool(), &new).await
}

/// An OpenAI-compatible endpoint model to register (its dimensions are the endpoint's).
#[derive(Debug, Clone, Deserialize)]
pub struct AddOpenAi {
    pub name: String,
    pub endpoint: OpenAiConfig,
    pub hnsw: HnswSettings,
}

pub async fn add_openai(h: &Handle, req: AddOpenAi) -> Result<Model> {
    let dims = i32::try_from(req.endpoint.dims)
        .map_err(|_| Error::Invalid(format!("{} dimensions is out of range", req.endpoint.dims)))?;
    let new = NewModel {
        name: req.name,
        provider: Provider::Openai,
        dims,
        config: serde_json::to_value(&req.endpoint)
            .map_err(|e| Error::Invalid(format!("endpoint configuration: {e}")))?,
        hnsw: req.hnsw,
    };
    models::register(h.pool(), &new).await
}

pub async fn set_default(h: &Handle, name: &str) -> Result<Model> {
    models::set_default(h.pool(), name).await
}

/// Removes a model with its vectors and index, forgets its loaded embedder, and deletes its API
/// key from the OS keyring (an endpoint model's; nothing is left behind).
pub async fn remove(h: &Handle, name: &str) -> Result<Model> {
    let mut conn = h.pool().acquire().await?;
    let model = models::get(&mut conn, Some(name)).await?;
    drop(conn);
    models::remove(h.pool(), name).await?;
    h.embedders().forget(name);
    if model.provider == Provider::Openai {
        // The model is gone already; a keyring that cannot be reached is reported, not undone.
        if let Err(e) = openai::delete_api_key(name) {
            tracing::warn!(model = name, error = %e, "could not delete the API key");
        }
    }
    Ok(model)
}

/// Stores the API key of an endpoint model in the OS keyring.
pub async fn store_key(h: &Handle, name: &str, key: &str) -> Result<()> {
    let mut conn = h.pool().acquire().await?;
    let model = models::get(&mut conn, Some(name)).await?;
    if model.provider != Provider::Openai {
        return Err(Error::Invalid(format!(
            "model {name:?} runs locally and needs no key"
        )));
    }
    openai::store_api_key(name, key)?;
    h.embedders().forget(name);
    Ok(())
}

/// (Re)builds a model's HNSW index, with new settings when given.
pub async fn index(h: &Handle, name: &str, settings: Option<HnswSettings>) -> Result<IndexReport> {
    models::build_index(h.pool(), name, settings).await
}

/// The model a job uses: the one named, else the default, else the local model, registered now.
pub async fn resolve_or_register(h: &Handle, name: Option<&str>) -> Result<Model> {
    let mut conn = h.pool().acquire().await?;
    if name.is_some() {
        return models::get(&mut conn, name).await;
    }
    match models::default_model(&mut conn).await? {
        Some(m) => Ok(m),
        None => {
            drop(conn);
            tracing::info!("no embedding model yet: registering the local {MINILM}");
            add_local(h, None, HnswSettings::default()).await
        }
    }
}

/// What an embedding run did: the job, and the index built after it (when vectors were added).
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EmbedRun {
    pub model: String,
    #[serde(rename = "embed")]
    pub report: EmbedReport,
    pub index: Option<IndexReport>,
}

/// An embedding run.
#[derive(Debug, Clone, Default)]
pub struct EmbedRequest {
    /// The model (default: the default model, else the local one, registered now).
    pub model: Option<String>,
    /// Chunks per batch (default [`EMBED_BATCH_DEFAULT`]).
    pub batch: Option<usize>,
    /// Leave the HNSW index as it is.
    pub no_index: bool,
}

/// Embeds every chunk without a vector from the model (resumable: each batch is kept), then
/// builds the model's HNSW index when it has none (an existing index takes new vectors as they
/// are written).
pub async fn embed(h: &Handle, req: &EmbedRequest, progress: Reporter<'_>) -> Result<EmbedRun> {
    let model = resolve_or_register(h, req.model.as_deref()).await?;
    let source = h.embedders();
    let row = model.clone();
    // Loading the model blocks for about a second: not on an async worker.
    let embedder = tokio::task::spawn_blocking(move || source.embedder(&row))
        .await
        .map_err(|e| Error::Internal(format!("loading the model failed: {e}")))??;
    let batch = req.batch.unwrap_or(EMBED_BATCH_DEFAULT);
    let report = models::embed_pending(h.pool(), &model, embedder, batch, &mut |done, total| {
        progress(Progress {
            stage: "embed",
            done,
            total,
        })
    })
    .await?;
    let index = if !req.no_index && report.embedded > 0 && !model.indexed {
        Some(models::build_index(h.pool(), &model.name, None).await?)
    } else {
        None
    };
    Ok(EmbedRun {
        model: model.name,
        report,
        index,
    })
}
