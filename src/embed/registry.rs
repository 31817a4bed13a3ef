//! [`Embedders`]: the standard [`EmbedderSource`] — makes the embedder a registered model needs
//! (the local candle model from the models folder, or an OpenAI-compatible endpoint with its key
//! from the environment or the OS keyring) and keeps it for the next query, so only the first
//! search pays for loading a model.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::local::{LocalMiniLm, MINILM};
use super::openai::{self, OpenAiConfig, OpenAiEmbedder};
use super::store::{Model, Provider};
use super::{Embedder, EmbedderSource};
use crate::error::{Error, Result};

#[derive(Default)]
pub struct Embedders {
    loaded: Mutex<HashMap<String, Arc<dyn Embedder>>>,
}

impl Embedders {
    pub fn new() -> Self {
        Self::default()
    }

    /// Forgets a cached embedder (after its key or settings changed).
    pub fn forget(&self, name: &str) {
        if let Ok(mut m) = self.loaded.lock() {
            m.remove(name);
        }
    }
}

/// Makes the embedder for `model` without caching.
pub fn open(model: &Model) -> Result<Arc<dyn Embedder>> {
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
            Ok(Arc::new(LocalMiniLm::load_default()?))
        }
        Provider::Openai => {
            let config: OpenAiConfig =
                serde_json::from_value(model.config.clone()).map_err(|e| {
                    Error::Invalid(format!(
                        "model {:?} has an unreadable endpoint configuration: {e}",
                        model.name
                    ))
                })?;
            let key = openai::api_key(&model.name)?;
            Ok(Arc::new(OpenAiEmbedder::new(
                model.name.clone(),
                config,
                key,
            )))
        }
    }
}

impl EmbedderSource for Embedders {
    fn embedder(&self, model: &Model) -> Result<Arc<dyn Embedder>> {
        let mut loaded = self
            .loaded
            .lock()
            .map_err(|_| Error::Search("the embedder cache is poisoned".into()))?;
        if let Some(e) = loaded.get(&model.name) {
            return Ok(Arc::clone(e));
        }
        let e = open(model)?;
        loaded.insert(model.name.clone(), Arc::clone(&e));
        Ok(e)
    }
}
