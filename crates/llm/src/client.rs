//! [`ChatClient`]: one chat completion, with retries on network trouble, 408, 429 and 5xx.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::ChatError;

/// Attempts per request (the first and its retries).
const ATTEMPTS: u32 = 3;
/// Longest wait a server can impose through `Retry-After`.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);
/// Largest answer body read.
const MAX_BODY_BYTES: u64 = 16 * 1024 * 1024;

/// How to reach a chat endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Server root, e.g. `https://api.openai.com` (a trailing `/` or `/v1` is accepted).
    pub base_url: String,
    /// The `model` sent to the server.
    pub model: String,
    /// End-to-end time limit of one attempt.
    pub timeout: Duration,
}

impl Endpoint {
    /// `<base>/v1/chat/completions`.
    pub fn url(&self) -> String {
        let base = self.base_url.trim_end_matches('/');
        let base = base.strip_suffix("/v1").unwrap_or(base);
        format!("{base}/v1/chat/completions")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub role: String,
    pub content: String,
}

/// Tokens the endpoint counted (0 when it did not say).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    #[serde(default)]
    pub prompt_tokens: u64,
    #[serde(default)]
    pub completion_tokens: u64,
}

/// The endpoint's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub content: String,
    pub usage: Usage,
    /// The model that answered, as the server names it.
    pub model: String,
}

#[derive(Serialize)]
struct Request<'a> {
    model: &'a str,
    messages: &'a [Message],
    temperature: f32,
}

#[derive(Deserialize)]
struct Response {
    #[serde(default)]
    model: String,
    choices: Vec<Choice>,
    #[serde(default)]
    usage: Usage,
}

#[derive(Deserialize)]
struct Choice {
    message: Message,
}

pub struct ChatClient {
    endpoint: Endpoint,
    api_key: String,
    agent: ureq::Agent,
}

enum Attempt {
    Answer(Vec<u8>),
    Retry(String, Option<Duration>),
    Fatal(ChatError),
}

impl ChatClient {
    pub fn new(endpoint: Endpoint, api_key: &str) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(endpoint.timeout))
            .user_agent(concat!("dtrag/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        ChatClient {
            endpoint,
            api_key: api_key.trim().to_string(),
            agent,
        }
    }

    /// One completion of `messages` (temperature 0: the same context gives the same answer
    /// where the server allows).
    pub fn complete(&self, messages: &[Message]) -> Result<Answer, ChatError> {
        let request = Request {
            model: &self.endpoint.model,
            messages,
            temperature: 0.0,
        };
        for attempt in 1..=ATTEMPTS {
            match self.attempt(&request) {
                Attempt::Answer(body) => return parse(&body),
                Attempt::Fatal(e) => return Err(e),
                Attempt::Retry(message, _) if attempt == ATTEMPTS => {
                    return Err(ChatError::Endpoint {
                        attempts: attempt,
                        message,
                    })
                }
                Attempt::Retry(message, after) => {
                    let wait = after.unwrap_or(Duration::from_millis(500 << (attempt - 1)));
                    tracing::warn!(attempt, "chat request failed, retrying: {message}");
                    std::thread::sleep(wait.min(MAX_RETRY_AFTER));
                }
            }
        }
        Err(ChatError::Endpoint {
            attempts: ATTEMPTS,
            message: "no attempt was made".into(),
        })
    }

    fn attempt(&self, request: &Request<'_>) -> Attempt {
        let url = self.endpoint.url();
        let sent = self
            .agent
            .post(&url)
            .header("Authorization", format!("Bearer {}", self.api_key))
            .send_json(request);
        let mut response = match sent {
            Ok(r) => r,
            Err(e @ (ureq::Error::BadUri(_) | ureq::Error::Http(_))) => {
                return Attempt::Fatal(ChatError::Endpoint {
                    attempts: 1,
                    message: format!("cannot build a request to {url}: {e}"),
                })
            }
            Err(e) => return Attempt::Retry(format!("cannot reach {url}: {e}"), None),
        };
        let status = response.status().as_u16();
        let after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_BODY_BYTES)
            .read_to_vec()
            .unwrap_or_default();
        let said = || snippet(&body);
        match status {
            200..=299 => Attempt::Answer(body),
            401 | 403 => Attempt::Fatal(ChatError::BadKey {
                status,
                message: said(),
            }),
            408 | 429 | 500..=599 => {
                Attempt::Retry(format!("HTTP {status} from {url}: {}", said()), after)
            }
            _ => Attempt::Fatal(ChatError::Endpoint {
                attempts: 1,
                message: format!("HTTP {status} from {url}: {}", said()),
            }),
        }
    }
}

fn snippet(body: &[u8]) -> String {
    String::from_utf8_lossy(body).chars().take(300).collect()
}

fn parse(body: &[u8]) -> Result<Answer, ChatError> {
    let r: Response = serde_json::from_slice(body)
        .map_err(|e| ChatError::BadResponse(format!("{e}: {}", snippet(body))))?;
    let content = r
        .choices
        .into_iter()
        .next()
        .map(|c| c.message.content)
        .ok_or_else(|| ChatError::BadResponse("no choices".into()))?;
    Ok(Answer {
        content,
        usage: r.usage,
        model: r.model,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_accept_a_trailing_slash_or_v1() {
        for base in [
            "http://h:1",
            "http://h:1/",
            "http://h:1/v1",
            "http://h:1/v1/",
        ] {
            let e = Endpoint {
                base_url: base.into(),
                model: "m".into(),
                timeout: Duration::from_secs(1),
            };
            assert_eq!(e.url(), "http://h:1/v1/chat/completions");
        }
    }

    #[test]
    fn answers_are_parsed_and_malformed_ones_refused() {
        let ok = br#"{"model":"m-1","choices":[{"message":{"role":"assistant","content":"Hi [1]"}}],"usage":{"prompt_tokens":12,"completion_tokens":3}}"#;
        let a = parse(ok).unwrap();
        assert_eq!(
            (
                a.content.as_str(),
                a.usage.prompt_tokens,
                a.usage.completion_tokens
            ),
            ("Hi [1]", 12, 3)
        );
        assert!(matches!(
            parse(b"{\"choices\": []}"),
            Err(ChatError::BadResponse(_))
        ));
        assert!(matches!(parse(b"<html>"), Err(ChatError::BadResponse(_))));
    }

    /// A server that answers 503 once, then an answer: the client retries.
    #[test]
    fn a_busy_server_is_retried() {
        let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
        let port = server
            .server_addr()
            .to_ip()
            .map(|a| a.port())
            .unwrap_or_default();
        let handle = std::thread::spawn(move || {
            for (i, req) in server.incoming_requests().take(2).enumerate() {
                let (code, body) = if i == 0 {
                    (503, "busy".to_string())
                } else {
                    (
                        200,
                        r#"{"choices":[{"message":{"role":"assistant","content":"ok"}}]}"#.into(),
                    )
                };
                let r = tiny_http::Response::from_string(body)
                    .with_status_code(code)
                    .with_header(tiny_http::Header::from_bytes("Retry-After", "0").unwrap());
                let _ = req.respond(r);
            }
        });
        let c = ChatClient::new(
            Endpoint {
                base_url: format!("http://127.0.0.1:{port}"),
                model: "m".into(),
                timeout: Duration::from_secs(5),
            },
            "k",
        );
        let a = c
            .complete(&[Message {
                role: "user".into(),
                content: "hi".into(),
            }])
            .unwrap();
        assert_eq!(a.content, "ok");
        handle.join().unwrap();
    }
}
