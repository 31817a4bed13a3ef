//! Any OpenAI-compatible `/v1/embeddings` endpoint (OpenAI itself, Azure-style proxies, vLLM,
//! Ollama, LM Studio, text-embeddings-inference, ...) behind the
//! [`Embedder`](crate::Embedder) trait.
//!
//! The client is blocking ([`ureq`]) so the trait stays synchronous. Input is sent in batches of
//! [`OpenAiConfig::batch_size`] texts; connection errors, timeouts, HTTP 408, 429 and 5xx are
//! retried with exponential backoff and jitter (a `Retry-After` header in seconds is honoured,
//! capped at [`MAX_RETRY_AFTER`]); other 4xx fail at once. 401/403 are
//! [`EmbedError::BadKey`](crate::EmbedError::BadKey).
//!
//! The API key comes from [`api_key`]: `$DTRAG_EMBEDDINGS_API_KEY`, else the OS keyring
//! (service [`KEYRING_SERVICE`], user = the model's name in the database).

mod client;
mod config;
mod keys;

pub use client::{OpenAiEmbedder, MAX_RETRY_AFTER};
pub use config::OpenAiConfig;
pub use keys::{api_key, delete_api_key, store_api_key, API_KEY_ENV, KEYRING_SERVICE};
