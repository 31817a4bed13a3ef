//! Where ready embedders come from. [`EmbedderSource`] hands out the embedder a registered model
//! needs; [`Embedders`] is the standard one — the local candle model from the models folder, or
//! an OpenAI-compatible endpoint with its key — and keeps each for the next query, so only the
//! first search of a process pays for loading a model.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use dtrag_embed::local::{LocalMiniLm, MINILM};
use dtrag_embed::openai::{self, OpenAiConfig, OpenAiEmbedder};
use dtrag_embed::query_cache::QueryCache;
use dtrag_embed::Embedder;

use super::{Model, Provider};
use crate::error::{Error, Result};

/// Hands out a ready embedder for a registered model. Loading may take a second (a local model)
/// and blocks: call it from `spawn_blocking`, never on an async worker. Search and the embedding
/// job ask through this, so tests and the faces decide how embedders are made and kept.
pub trait EmbedderSource: Send + Sync {
    fn embedder(&self, model: &Model) -> Result<Arc<dyn Embedder>>;
}

/// What making an embedder needs from outside: given by the edge (the CLI's flags and
/// environment, the desktop app's settings), never read here.
#[derive(Debug, Clone, Default)]
pub struct EmbedderConfig {
    /// The folder holding local model folders (`<models_dir>/all-MiniLM-L6-v2`).
    pub models_dir: PathBuf,
    /// An API key for endpoint models that overrides the keyring (headless runs, CI).
    pub api_key_override: Option<String>,
}

/// The standard source: makes embedders from [`EmbedderConfig`] and caches them by model name,
/// each behind a cache of its recent query vectors ([`QueryCache`]; forgetting an embedder
/// forgets its queries too).
#[derive(Default)]
pub struct Embedders {
    config: EmbedderConfig,
    loaded: Mutex<HashMap<String, Arc<dyn Embedder>>>,
}

impl Embedders {
    pub fn new(config: EmbedderConfig) -> Self {
        Embedders {
            config,
            loaded: Mutex::default(),
        }
    }

    /// Forgets a cached embedder (after its key or settings changed, or it was removed).
    pub fn forget(&self, name: &str) {
        if let Ok(mut m) = self.loaded.lock() {
            m.remove(name);
        }
    }

    /// Forgets every cached embedder (the database changed: a model of the same name may be
    /// another model there).
    pub fn forget_all(&self) {
        if let Ok(mut m) = self.loaded.lock() {
            m.clear();
        }
    }

    fn cached(&self, name: &str) -> Result<Option<Arc<dyn Embedder>>> {
        let loaded = self
            .loaded
            .lock()
            .map_err(|_| Error::Internal("the embedder cache is poisoned".into()))?;
        Ok(loaded.get(name).cloned())
    }
}

/// Makes the embedder for `model` without caching.
pub fn open(model: &Model, config: &EmbedderConfig) -> Result<Arc<dyn Embedder>> {
    match model.provider {
        Provider::Local => {
            let local_name = model
                .config
                .get("model")
                .and_then(|v| v.as_str())
                .unwrap_or(MINILM);
            if local_name != MINILM {
                return Err(Error::Invalid(format!(
                    "local model {local_name:?} is not supported (only {MINILM})"
                )));
            }
            Ok(Arc::new(LocalMiniLm::load_from(&config.models_dir)?))
        }
        Provider::Openai => {
            let endpoint: OpenAiConfig =
                serde_json::from_value(model.config.clone()).map_err(|e| {
                    Error::Invalid(format!(
                        "model {:?} has an unreadable endpoint configuration: {e}",
                        model.name
                    ))
                })?;
            let key = openai::api_key(&model.name, config.api_key_override.as_deref())?;
            Ok(Arc::new(OpenAiEmbedder::new(
                model.name.clone(),
                endpoint,
                key,
            )))
        }
    }
}

impl EmbedderSource for Embedders {
    fn embedder(&self, model: &Model) -> Result<Arc<dyn Embedder>> {
        if let Some(e) = self.cached(&model.name)? {
            return Ok(e);
        }
        // Loaded without holding the lock: another model's queries are not held up meanwhile.
        // Two first queries of one model may both load it; the first stored wins.
        let made: Arc<dyn Embedder> = Arc::new(QueryCache::new(open(model, &self.config)?));
        let mut loaded = self
            .loaded
            .lock()
            .map_err(|_| Error::Internal("the embedder cache is poisoned".into()))?;
        Ok(Arc::clone(loaded.entry(model.name.clone()).or_insert(made)))
    }
}
