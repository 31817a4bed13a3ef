//! The OpenAI-compatible embeddings client against a fake server on 127.0.0.1 (no network, no
//! keyring: keys are passed directly).

use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use dtrag_embed::openai::{OpenAiConfig, OpenAiEmbedder};
use dtrag_embed::{EmbedError, Embedder};
use serde_json::{json, Value};
use tiny_http::{Header, Response, Server};

/// What the fake server saw of one request.
#[derive(Debug, Clone)]
struct Seen {
    path: String,
    auth: Option<String>,
    body: Value,
}

/// Status, extra headers, body.
type Reply = (u16, Vec<(&'static str, String)>, String);

struct FakeServer {
    url: String,
    server: Arc<Server>,
    seen: Arc<Mutex<Vec<Seen>>>,
    thread: Option<JoinHandle<()>>,
}

impl FakeServer {
    /// Serves each request with `handler(request number from 0, request body)`.
    fn start(handler: impl Fn(usize, &Value) -> Reply + Send + 'static) -> Self {
        let server = Arc::new(Server::http("127.0.0.1:0").expect("bind the fake server"));
        let addr = server.server_addr().to_ip().expect("an IP address");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (srv, log) = (Arc::clone(&server), Arc::clone(&seen));
        let thread = std::thread::spawn(move || {
            for mut req in srv.incoming_requests() {
                let mut text = String::new();
                let _ = req.as_reader().read_to_string(&mut text);
                let body = serde_json::from_str(&text).unwrap_or(Value::Null);
                let auth = req
                    .headers()
                    .iter()
                    .find(|h| h.field.equiv("Authorization"))
                    .map(|h| h.value.as_str().to_string());
                let n = {
                    let mut log = log.lock().unwrap();
                    log.push(Seen {
                        path: req.url().to_string(),
                        auth,
                        body: body.clone(),
                    });
                    log.len() - 1
                };
                let (status, headers, answer) = handler(n, &body);
                let mut resp = Response::from_string(answer).with_status_code(status);
                resp.add_header(Header::from_bytes("Content-Type", "application/json").unwrap());
                for (k, v) in headers {
                    resp.add_header(Header::from_bytes(k.as_bytes(), v.as_bytes()).unwrap());
                }
                let _ = req.respond(resp);
            }
        });
        FakeServer {
            url: format!("http://{addr}"),
            server,
            seen,
            thread: Some(thread),
        }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

const DIMS: usize = 3;

fn config(base_url: &str) -> OpenAiConfig {
    OpenAiConfig {
        batch_size: 2,
        max_retries: 3,
        timeout: Duration::from_secs(5),
        initial_backoff: Duration::from_millis(1),
        ..OpenAiConfig::new(base_url, "test-embed", DIMS)
    }
}

fn embedder(cfg: OpenAiConfig) -> OpenAiEmbedder {
    OpenAiEmbedder::new("fake/test-embed".to_string(), cfg, "sk-test".to_string())
}

/// An OpenAI answer for the texts `"t<k>"` of `request`: text k gets `[k, 1, 0]` (so the order is
/// recoverable after normalisation), listed in reverse index order.
fn answer_for(request: &Value) -> String {
    let inputs = request["input"].as_array().cloned().unwrap_or_default();
    let mut data: Vec<Value> = inputs
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let k: f32 = t.as_str().unwrap()[1..].parse().unwrap();
            json!({"object": "embedding", "index": i, "embedding": [k, 1.0, 0.0]})
        })
        .collect();
    data.reverse();
    json!({"object": "list", "data": data, "model": request["model"], "usage": {"prompt_tokens": 1, "total_tokens": 1}})
        .to_string()
}

fn ok(request: &Value) -> Reply {
    (200, vec![], answer_for(request))
}

fn openai_error(message: &str) -> String {
    json!({"error": {"message": message, "type": "invalid_request_error", "code": null}})
        .to_string()
}

fn texts(n: usize) -> Vec<String> {
    (1..=n).map(|k| format!("t{k}")).collect()
}

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn batches_auth_order_and_normalisation() {
    let server = FakeServer::start(|_, req| ok(req));
    // Trailing "/v1/" is accepted.
    let e = embedder(config(&format!("{}/v1/", server.url)));
    assert_eq!(e.info().name, "fake/test-embed");
    assert_eq!(e.info().dims, DIMS);

    let input = texts(5);
    let vectors = e.embed(&refs(&input)).unwrap();
    assert_eq!(vectors.len(), 5);
    for (i, v) in vectors.iter().enumerate() {
        assert_eq!(v.len(), DIMS);
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!(
            (norm - 1.0).abs() < 1e-5,
            "vector {i} not normalised: {v:?}"
        );
        let k = v[0] / v[1];
        assert!(
            (k - (i + 1) as f32).abs() < 1e-4,
            "vector {i} is out of order: {v:?}"
        );
    }

    let seen = server.seen();
    assert_eq!(seen.len(), 3, "5 texts in batches of 2");
    for (n, s) in seen.iter().enumerate() {
        assert_eq!(s.path, "/v1/embeddings");
        assert_eq!(s.auth.as_deref(), Some("Bearer sk-test"));
        assert_eq!(s.body["model"], "test-embed");
        assert!(
            s.body.get("dimensions").is_none(),
            "dimensions sent: {}",
            s.body
        );
        let expected: Vec<String> = input.iter().skip(2 * n).take(2).cloned().collect();
        assert_eq!(s.body["input"], json!(expected));
    }
}

#[test]
fn empty_input_sends_nothing() {
    let server = FakeServer::start(|_, req| ok(req));
    let e = embedder(config(&server.url));
    assert!(e.embed(&[]).unwrap().is_empty());
    assert!(server.seen().is_empty());
}

#[test]
fn dimensions_sent_only_when_configured() {
    let server = FakeServer::start(|_, req| ok(req));
    let e = embedder(OpenAiConfig {
        send_dimensions: true,
        ..config(&format!("{}/", server.url))
    });
    e.embed(&["t1"]).unwrap();
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].path, "/v1/embeddings");
    assert_eq!(seen[0].body["dimensions"], json!(DIMS));
}

#[test]
fn unauthorized_is_bad_key_without_retry() {
    let server = FakeServer::start(|_, _| {
        (
            401,
            vec![],
            openai_error("Incorrect API key provided: sk-test."),
        )
    });
    let e = embedder(config(&server.url));
    match e.embed(&["t1"]) {
        Err(EmbedError::BadKey { status, message }) => {
            assert_eq!(status, 401);
            assert_eq!(message, "Incorrect API key provided: sk-test.");
        }
        other => panic!("expected BadKey, got {other:?}"),
    }
    assert_eq!(server.seen().len(), 1);
}

#[test]
fn forbidden_with_plain_body_is_bad_key_with_truncated_body() {
    let long = "x".repeat(1000);
    let body = long.clone();
    let server = FakeServer::start(move |_, _| (403, vec![], body.clone()));
    let e = embedder(config(&server.url));
    match e.embed(&["t1"]) {
        Err(EmbedError::BadKey { status, message }) => {
            assert_eq!(status, 403);
            assert!(message.chars().count() <= 301, "not truncated: {message}");
            assert!(message.starts_with("xxx"));
        }
        other => panic!("expected BadKey, got {other:?}"),
    }
    assert_eq!(server.seen().len(), 1);
}

#[test]
fn other_client_error_fails_at_once_with_status_and_message() {
    let server =
        FakeServer::start(|_, _| (400, vec![], openai_error("model not found: test-embed")));
    let e = embedder(config(&server.url));
    match e.embed(&["t1"]) {
        Err(EmbedError::Endpoint { attempts, message }) => {
            assert_eq!(attempts, 1);
            assert!(message.contains("400"), "{message}");
            assert!(message.contains("model not found: test-embed"), "{message}");
        }
        other => panic!("expected Endpoint, got {other:?}"),
    }
    assert_eq!(server.seen().len(), 1);
}

#[test]
fn service_unavailable_twice_then_success() {
    let server = FakeServer::start(|n, req| {
        if n < 2 {
            (503, vec![], openai_error("overloaded"))
        } else {
            ok(req)
        }
    });
    let e = embedder(config(&server.url));
    let v = e.embed(&["t1", "t2"]).unwrap();
    assert_eq!(v.len(), 2);
    assert_eq!(server.seen().len(), 3);
}

#[test]
fn too_many_requests_honours_retry_after() {
    let server = FakeServer::start(|n, req| {
        if n == 0 {
            (
                429,
                vec![("Retry-After", "0".to_string())],
                openai_error("slow down"),
            )
        } else {
            ok(req)
        }
    });
    // A long computed backoff: finishing fast proves Retry-After: 0 was used instead.
    let e = embedder(OpenAiConfig {
        initial_backoff: Duration::from_secs(20),
        ..config(&server.url)
    });
    let start = Instant::now();
    let v = e.embed(&["t1"]).unwrap();
    assert_eq!(v.len(), 1);
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "took {:?}",
        start.elapsed()
    );
    assert_eq!(server.seen().len(), 2);
}

#[test]
fn persistent_server_error_gives_up_after_max_retries() {
    let server = FakeServer::start(|_, _| (500, vec![], "internal oops".to_string()));
    let e = embedder(config(&server.url));
    match e.embed(&["t1"]) {
        Err(EmbedError::Endpoint { attempts, message }) => {
            assert_eq!(attempts, 4);
            assert!(message.contains("500"), "{message}");
            assert!(message.contains("internal oops"), "{message}");
        }
        other => panic!("expected Endpoint, got {other:?}"),
    }
    assert_eq!(server.seen().len(), 4, "max_retries 3 = 4 attempts");
}

#[test]
fn wrong_dimension_count_is_a_dimensions_error() {
    let server = FakeServer::start(|_, _| {
        let body = json!({"data": [{"index": 0, "embedding": [0.5, 0.5]}]});
        (200, vec![], body.to_string())
    });
    let e = embedder(config(&server.url));
    match e.embed(&["t1"]) {
        Err(EmbedError::Dimensions { expected, got }) => {
            assert_eq!(expected, DIMS);
            assert_eq!(got, 2);
        }
        other => panic!("expected Dimensions, got {other:?}"),
    }
}

#[test]
fn wrong_embedding_count_is_a_bad_response() {
    let server = FakeServer::start(|_, _| {
        let body = json!({"data": [{"index": 0, "embedding": [1.0, 0.0, 0.0]}]});
        (200, vec![], body.to_string())
    });
    let e = embedder(config(&server.url));
    match e.embed(&["t1", "t2"]) {
        Err(EmbedError::BadResponse(m)) => assert!(m.contains("2 texts"), "{m}"),
        other => panic!("expected BadResponse, got {other:?}"),
    }
}

#[test]
fn malformed_json_is_a_clear_error() {
    let server = FakeServer::start(|_, _| (200, vec![], "<html>not json</html>".to_string()));
    let e = embedder(config(&server.url));
    let err = e.embed(&["t1"]).unwrap_err();
    assert!(matches!(err, EmbedError::BadResponse(_)), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("<html>not json</html>"), "{text}");
    assert!(text.contains("base URL"), "{text}");
    assert_eq!(server.seen().len(), 1, "a malformed answer is not retried");
}

#[test]
fn connection_refused_is_an_endpoint_error() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let e = embedder(OpenAiConfig {
        max_retries: 2,
        ..config(&format!("http://127.0.0.1:{port}"))
    });
    match e.embed(&["t1"]) {
        Err(EmbedError::Endpoint { attempts, message }) => {
            assert_eq!(attempts, 3);
            assert!(message.contains(&port.to_string()), "{message}");
        }
        other => panic!("expected Endpoint, got {other:?}"),
    }
}

#[test]
fn timeout_is_retried_then_reported() {
    let server = FakeServer::start(|_, req| {
        std::thread::sleep(Duration::from_millis(300));
        ok(req)
    });
    let e = embedder(OpenAiConfig {
        max_retries: 1,
        timeout: Duration::from_millis(100),
        ..config(&server.url)
    });
    match e.embed(&["t1"]) {
        Err(EmbedError::Endpoint { attempts, message }) => {
            assert_eq!(attempts, 2);
            assert!(message.contains("within"), "{message}");
        }
        other => panic!("expected Endpoint, got {other:?}"),
    }
}

#[test]
fn endpoint_url_accepts_common_base_url_shapes() {
    for base in [
        "https://api.example.com",
        "https://api.example.com/",
        "https://api.example.com/v1",
        "https://api.example.com/v1/",
        "https://api.example.com/v1/embeddings",
    ] {
        let cfg = OpenAiConfig::new(base, "m", 8);
        assert_eq!(
            cfg.endpoint_url(),
            "https://api.example.com/v1/embeddings",
            "{base}"
        );
    }
    let cfg = OpenAiConfig::new("http://localhost:8080/openai/", "m", 8);
    assert_eq!(
        cfg.endpoint_url(),
        "http://localhost:8080/openai/v1/embeddings"
    );
}

#[test]
fn config_round_trips_as_json_with_defaults() {
    let cfg: OpenAiConfig =
        serde_json::from_value(json!({"base_url": "http://x", "model": "m", "dims": 384})).unwrap();
    assert_eq!(cfg, OpenAiConfig::new("http://x", "m", 384));
    assert_eq!(cfg.batch_size, 64);
    assert_eq!(cfg.max_retries, 5);
    assert_eq!(cfg.timeout, Duration::from_secs(60));
    assert_eq!(cfg.initial_backoff, Duration::from_millis(500));
    assert!(!cfg.send_dimensions);

    let stored = serde_json::to_value(&cfg).unwrap();
    assert_eq!(stored["timeout_ms"], 60_000);
    assert_eq!(stored["initial_backoff_ms"], 500);
    let back: OpenAiConfig = serde_json::from_value(stored).unwrap();
    assert_eq!(back, cfg);
}

#[test]
fn debug_does_not_leak_the_key() {
    let e = embedder(config("http://127.0.0.1:9"));
    let shown = format!("{e:?}");
    assert!(!shown.contains("sk-test"), "{shown}");
}
