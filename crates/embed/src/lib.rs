//! Embeddings: one [`Embedder`] trait with two implementations — the local all-MiniLM-L6-v2 model
//! run in-process with candle ([`local`]), and any OpenAI-compatible `/v1/embeddings` endpoint
//! ([`openai`]). This crate knows nothing of databases: the models and their vectors are stored by
//! `dtrag-core` (`models`), which asks for an embedder through its `EmbedderSource`.
//!
//! The trait is synchronous on purpose: the local model is CPU-bound and the HTTP client is a
//! blocking one, so async callers run it on `tokio::task::spawn_blocking` and nothing here needs
//! to know about the runtime.

pub mod local;
pub mod openai;
pub mod query_cache;

/// What an embedder produces. `name` is the model's identity in the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelInfo {
    pub name: String,
    pub dims: usize,
}

/// Turns texts into vectors of `info().dims` floats, one per text, in order. Vectors are
/// L2-normalised so cosine distance and inner product agree.
pub trait Embedder: Send + Sync {
    fn info(&self) -> &ModelInfo;
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError>;
}

/// Errors of embedding. Each says what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    #[error(
        "the model files are not in {dir}: run `bash scripts/fetch-model.sh` (or set \
         DTRAG_MODELS_DIR) — {detail}"
    )]
    ModelMissing { dir: String, detail: String },

    #[error("the model could not be loaded: {0}")]
    ModelLoad(String),

    #[error("embedding failed: {0}")]
    Inference(String),

    #[error("the embeddings endpoint refused the API key (HTTP {status}): {message}")]
    BadKey { status: u16, message: String },

    #[error("the embeddings endpoint failed after {attempts} attempts: {message}")]
    Endpoint { attempts: u32, message: String },

    #[error("the embeddings endpoint answered with {got} dimensions, the model is set up for {expected}")]
    Dimensions { expected: usize, got: usize },

    #[error(
        "no API key for {0}: store one with `dtrag models key {0}` or set DTRAG_EMBEDDINGS_API_KEY"
    )]
    NoKey(String),

    #[error(
        "the embeddings endpoint answered with something that is not an OpenAI embeddings \
         response: {0} (check that the base URL points to an OpenAI-compatible server)"
    )]
    BadResponse(String),

    #[error(
        "the OS keyring is not usable for the API key of {model}: {detail} (on a headless \
         machine, set DTRAG_EMBEDDINGS_API_KEY instead)"
    )]
    Keyring { model: String, detail: String },
}

/// L2-normalises `v` in place (a zero vector stays zero).
pub fn normalize(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
}
