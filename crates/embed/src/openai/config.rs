//! [`OpenAiConfig`]: how to reach an endpoint, as stored (JSON) in the database, with its defaults.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// How to reach an OpenAI-compatible embeddings endpoint. Stored as JSON in the database;
/// durations are serialised as milliseconds (`timeout_ms`, `initial_backoff_ms`), and every
/// field but `base_url`, `model` and `dims` may be left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenAiConfig {
    /// Server root, e.g. `https://api.openai.com` or `http://localhost:11434/v1` (a trailing `/`
    /// or `/v1` is accepted).
    pub base_url: String,
    /// The `model` sent to the server, e.g. `text-embedding-3-small`.
    pub model: String,
    /// Floats per vector; every answer is checked against it.
    pub dims: usize,
    /// Send `"dimensions": dims` in the request (OpenAI's text-embedding-3 models can shorten
    /// their vectors; many compatible servers reject the field, hence off by default).
    #[serde(default)]
    pub send_dimensions: bool,
    /// Texts per request.
    #[serde(default = "default_batch_size")]
    pub batch_size: usize,
    /// Retries after the first attempt of each request.
    #[serde(default = "default_max_retries")]
    pub max_retries: u32,
    /// End-to-end time limit of one attempt (connect, send, read the answer).
    #[serde(rename = "timeout_ms", default = "default_timeout", with = "millis")]
    pub timeout: Duration,
    /// Backoff before the first retry; doubles at each retry (with jitter), up to 30 s.
    #[serde(
        rename = "initial_backoff_ms",
        default = "default_initial_backoff",
        with = "millis"
    )]
    pub initial_backoff: Duration,
}

fn default_batch_size() -> usize {
    64
}
fn default_max_retries() -> u32 {
    5
}
fn default_timeout() -> Duration {
    Duration::from_secs(60)
}
fn default_initial_backoff() -> Duration {
    Duration::from_millis(500)
}

impl OpenAiConfig {
    /// A configuration with the default batching, retry and timeout settings.
    pub fn new(base_url: impl Into<String>, model: impl Into<String>, dims: usize) -> Self {
        OpenAiConfig {
            base_url: base_url.into(),
            model: model.into(),
            dims,
            send_dimensions: false,
            batch_size: default_batch_size(),
            max_retries: default_max_retries(),
            timeout: default_timeout(),
            initial_backoff: default_initial_backoff(),
        }
    }

    /// The URL requests go to: `{base_url}/v1/embeddings`, whether `base_url` ends with `/`,
    /// `/v1`, `/v1/` or even `/v1/embeddings`.
    pub fn endpoint_url(&self) -> String {
        let base = self.base_url.trim().trim_end_matches('/');
        let base = base.strip_suffix("/embeddings").unwrap_or(base);
        let base = base.trim_end_matches('/');
        let base = base.strip_suffix("/v1").unwrap_or(base);
        format!("{base}/v1/embeddings")
    }
}

impl Default for OpenAiConfig {
    /// OpenAI's `text-embedding-3-small` (1536 dimensions).
    fn default() -> Self {
        OpenAiConfig::new("https://api.openai.com", "text-embedding-3-small", 1536)
    }
}

/// `Duration` as whole milliseconds.
mod millis {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_millis)
    }
}
