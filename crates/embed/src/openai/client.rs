//! [`OpenAiEmbedder`]: batched requests, retries with backoff, and checking the answers.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::OpenAiConfig;
use crate::{normalize, EmbedError, Embedder, ModelInfo};

/// Longest wait a server can impose through `Retry-After`.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

/// Longest computed backoff between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Largest answer body read (64 texts × 3072 dims is about 5 MB of JSON).
const MAX_BODY_BYTES: u64 = 256 * 1024 * 1024;

/// How much of an unparseable body goes into an error message.
const SNIPPET_CHARS: usize = 300;

/// An [`Embedder`] calling an OpenAI-compatible `/v1/embeddings` endpoint.
pub struct OpenAiEmbedder {
    info: ModelInfo,
    config: OpenAiConfig,
    url: String,
    api_key: String,
    agent: ureq::Agent,
}

impl fmt::Debug for OpenAiEmbedder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpenAiEmbedder")
            .field("info", &self.info)
            .field("config", &self.config)
            .field("url", &self.url)
            .field("api_key", &"<redacted>")
            .finish()
    }
}

impl OpenAiEmbedder {
    /// `name` is the model's identity in the database (it goes into [`ModelInfo`], with
    /// `config.dims`); `api_key` is sent as `Authorization: Bearer <key>` (surrounding
    /// whitespace, such as a pasted newline, is dropped).
    pub fn new(name: String, config: OpenAiConfig, api_key: String) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(config.timeout))
            .user_agent(concat!("dtrag/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        OpenAiEmbedder {
            info: ModelInfo {
                name,
                dims: config.dims,
            },
            url: config.endpoint_url(),
            api_key: api_key.trim().to_string(),
            config,
            agent,
        }
    }

    pub fn config(&self) -> &OpenAiConfig {
        &self.config
    }

    /// One batch, with retries.
    fn embed_batch(&self, batch: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let request = EmbeddingsRequest {
            model: &self.config.model,
            input: batch,
            dimensions: self.config.send_dimensions.then_some(self.config.dims),
        };
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            match self.attempt(&request, attempt) {
                Attempt::Answer(body) => return self.parse_answer(batch.len(), &body),
                Attempt::Fatal(e) => return Err(e),
                Attempt::Retry {
                    message,
                    retry_after,
                } => {
                    if attempt > self.config.max_retries {
                        return Err(EmbedError::Endpoint {
                            attempts: attempt,
                            message,
                        });
                    }
                    let wait = retry_after.unwrap_or_else(|| self.backoff(attempt));
                    tracing::warn!(
                        url = %self.url,
                        attempt,
                        wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                        "embeddings request failed, retrying: {message}"
                    );
                    std::thread::sleep(wait);
                }
            }
        }
    }

    /// One HTTP exchange.
    fn attempt(&self, request: &EmbeddingsRequest<'_>, attempt: u32) -> Attempt {
        let url = &self.url;
        let sent = self
            .agent
            .post(url)
            .header("Authorization", format!("Bearer {}", self.api_key))
            .send_json(request);
        let mut response = match sent {
            Ok(r) => r,
            Err(e) => return self.transport_error(e, attempt),
        };
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_BODY_BYTES)
            .read_to_vec();
        let body = match body {
            Ok(b) => b,
            // An error answer whose body cannot be read is still an error answer.
            Err(_) if !(200..300).contains(&status) => Vec::new(),
            Err(e) => return self.transport_error(e, attempt),
        };
        match status {
            200..=299 => Attempt::Answer(body),
            401 | 403 => Attempt::Fatal(EmbedError::BadKey {
                status,
                message: server_message(&body),
            }),
            408 | 429 | 500..=599 => Attempt::Retry {
                message: format!("HTTP {status} from {url}: {}", server_message(&body)),
                retry_after,
            },
            _ => {
                let mut message = format!("HTTP {status} from {url}: {}", server_message(&body));
                if status == 404 {
                    message.push_str(" (check the base URL and the model name)");
                } else if self.config.send_dimensions && message.contains("dimension") {
                    message.push_str(" (try turning off send_dimensions for this model)");
                }
                Attempt::Fatal(EmbedError::Endpoint {
                    attempts: attempt,
                    message,
                })
            }
        }
    }

    /// Sorts a ureq error into retryable (network trouble) and fatal (our request is wrong).
    fn transport_error(&self, e: ureq::Error, attempt: u32) -> Attempt {
        let url = &self.url;
        match e {
            ureq::Error::Timeout(_) => Attempt::Retry {
                message: format!(
                    "no complete answer from {url} within {:?} ({e})",
                    self.config.timeout
                ),
                retry_after: None,
            },
            ureq::Error::Io(_)
            | ureq::Error::ConnectionFailed
            | ureq::Error::HostNotFound
            | ureq::Error::Protocol(_) => Attempt::Retry {
                message: format!("cannot reach {url}: {e}"),
                retry_after: None,
            },
            ureq::Error::BadUri(_) | ureq::Error::Http(_) => Attempt::Fatal(EmbedError::Endpoint {
                attempts: attempt,
                message: format!(
                    "cannot build a request to {url}: {e} (check the base URL, and that the API \
                     key has no stray characters)"
                ),
            }),
            _ => Attempt::Fatal(EmbedError::Endpoint {
                attempts: attempt,
                message: format!("request to {url} failed: {e}"),
            }),
        }
    }

    /// Exponential backoff with "equal jitter": half of `initial_backoff * 2^(attempt-1)` (capped
    /// at 30 s) plus a random part of the other half.
    fn backoff(&self, attempt: u32) -> Duration {
        let factor = 1u32 << attempt.saturating_sub(1).min(16);
        let exp = self
            .config
            .initial_backoff
            .saturating_mul(factor)
            .min(MAX_BACKOFF);
        let half = exp / 2;
        half + half.mul_f64(jitter())
    }

    /// Checks and orders an answer: one vector of `dims` floats per input, sorted by `index`,
    /// L2-normalised.
    fn parse_answer(&self, expected: usize, body: &[u8]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let answer: EmbeddingsAnswer = serde_json::from_slice(body).map_err(|e| {
            EmbedError::BadResponse(format!("{e}; the answer starts with: {}", snippet(body)))
        })?;
        if answer.data.len() != expected {
            return Err(EmbedError::BadResponse(format!(
                "{expected} texts were sent but {} embeddings came back",
                answer.data.len()
            )));
        }
        let dims = self.info.dims;
        let mut slots: Vec<Option<Vec<f32>>> = vec![None; expected];
        for (position, item) in answer.data.into_iter().enumerate() {
            let index = item.index.unwrap_or(position);
            let slot = slots.get_mut(index).ok_or_else(|| {
                EmbedError::BadResponse(format!(
                    "embedding index {index} is out of range for {expected} texts"
                ))
            })?;
            if slot.is_some() {
                return Err(EmbedError::BadResponse(format!(
                    "embedding index {index} appears twice"
                )));
            }
            if item.embedding.len() != dims {
                return Err(EmbedError::Dimensions {
                    expected: dims,
                    got: item.embedding.len(),
                });
            }
            if item.embedding.iter().any(|x| !x.is_finite()) {
                return Err(EmbedError::BadResponse(format!(
                    "embedding {index} holds a value that is not a finite 32-bit float"
                )));
            }
            let mut v = item.embedding;
            normalize(&mut v);
            *slot = Some(v);
        }
        slots
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                v.ok_or_else(|| EmbedError::BadResponse(format!("no embedding for text {i}")))
            })
            .collect()
    }
}

impl Embedder for OpenAiEmbedder {
    fn info(&self) -> &ModelInfo {
        &self.info
    }

    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let mut out = Vec::with_capacity(texts.len());
        for batch in texts.chunks(self.config.batch_size.max(1)) {
            out.extend(self.embed_batch(batch)?);
        }
        Ok(out)
    }
}

/// What one HTTP exchange came to.
enum Attempt {
    /// A 2xx body.
    Answer(Vec<u8>),
    /// Worth another try (after `retry_after` if the server said so).
    Retry {
        message: String,
        retry_after: Option<Duration>,
    },
    /// Retrying would not help.
    Fatal(EmbedError),
}

#[derive(Serialize)]
struct EmbeddingsRequest<'a> {
    model: &'a str,
    input: &'a [&'a str],
    #[serde(skip_serializing_if = "Option::is_none")]
    dimensions: Option<usize>,
}

#[derive(Deserialize)]
struct EmbeddingsAnswer {
    data: Vec<EmbeddingItem>,
}

#[derive(Deserialize)]
struct EmbeddingItem {
    /// Position of the input; a few servers leave it out and answer in order.
    #[serde(default)]
    index: Option<usize>,
    embedding: Vec<f32>,
}

/// `Retry-After` in (possibly fractional) seconds, capped; HTTP dates are ignored (the normal
/// backoff applies).
fn parse_retry_after(value: &str) -> Option<Duration> {
    let secs: f64 = value.trim().parse().ok()?;
    if !secs.is_finite() || secs < 0.0 {
        return None;
    }
    Some(Duration::from_secs_f64(
        secs.min(MAX_RETRY_AFTER.as_secs_f64()),
    ))
}

/// The server's explanation of an error answer: OpenAI's `{"error":{"message":...}}`, or the
/// `{"error":"..."}`, `{"message":...}` and `{"detail":...}` shapes other servers use, else the
/// raw body truncated.
fn server_message(body: &[u8]) -> String {
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) {
        let candidates = [
            v.pointer("/error/message"),
            v.get("error"),
            v.get("message"),
            v.get("detail"),
        ];
        if let Some(m) = candidates
            .into_iter()
            .flatten()
            .find_map(|c| c.as_str())
            .map(str::trim)
            .filter(|m| !m.is_empty())
        {
            return m.to_string();
        }
    }
    snippet(body)
}

/// The body as text, at most [`SNIPPET_CHARS`] characters.
fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return "(empty body)".to_string();
    }
    let mut out: String = text.chars().take(SNIPPET_CHARS).collect();
    if text.chars().nth(SNIPPET_CHARS).is_some() {
        out.push('…');
    }
    out
}

/// A random number in [0, 1) from std's randomly keyed hasher (no RNG dependency needed for
/// jitter).
fn jitter() -> f64 {
    use std::hash::BuildHasher;
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let x = std::collections::hash_map::RandomState::new().hash_one(seed);
    (x >> 11) as f64 / (1u64 << 53) as f64
}
