//! `dtrag ask --agent`: retrieval as the agent, a chat endpoint (a local fake server standing in
//! for the paid API; nothing reaches the network), citations, version, timings and cost.

use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

use serde_json::Value;

use dtrag_api::agents;
use dtrag_api::types::{AskRequest, NewLlm};
use dtrag_api::ErrorKind;

use crate::agents::{new_agent, world, ANIMALS};

/// An OpenAI-compatible chat server that records each request and answers citing passage 2.
fn fake_chat() -> (String, Arc<Mutex<Vec<Value>>>) {
    let server = tiny_http::Server::http("127.0.0.1:0").expect("bind");
    let port = server
        .server_addr()
        .to_ip()
        .map(|a| a.port())
        .unwrap_or_default();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    std::thread::spawn(move || {
        for mut req in server.incoming_requests() {
            let mut body = String::new();
            let _ = req.as_reader().read_to_string(&mut body);
            let auth = req
                .headers()
                .iter()
                .find(|h| h.field.equiv("Authorization"))
                .map(|h| h.value.to_string())
                .unwrap_or_default();
            let v: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
            if let Ok(mut l) = log.lock() {
                l.push(serde_json::json!({"auth": auth, "body": v}));
            }
            let (code, answer) = if auth != "Bearer test-key" {
                (401, r#"{"error": {"message": "bad key"}}"#.to_string())
            } else {
                (200, serde_json::json!({
                    "model": "fake-1",
                    "choices": [{"message": {"role": "assistant", "content": "Birds sing at dawn [2], eagles too [1]."}}],
                    "usage": {"prompt_tokens": 1000, "completion_tokens": 200}
                }).to_string())
            };
            let _ = req.respond(tiny_http::Response::from_string(answer).with_status_code(code));
        }
    });
    (format!("http://127.0.0.1:{port}"), seen)
}

#[tokio::test]
async fn an_answer_cites_the_agents_passages_with_version_timings_and_cost() {
    let (db, h) = world().await;
    agents::create(&h, &new_agent("zoo", &["animals"]))
        .await
        .unwrap();
    let (base, seen) = fake_chat();
    let req = AskRequest {
        agent: "zoo".into(),
        question: "what happens at dawn".into(),
        ..AskRequest::default()
    };
    // No endpoint yet: a clear refusal.
    let e = agents::ask(&h, &req).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    dtrag_api::llm::add(
        &h,
        &NewLlm {
            name: "fake".into(),
            base_url: base.clone(),
            model: "fake-1".into(),
            input_price: 0.15,
            output_price: 0.6,
        },
    )
    .await
    .unwrap();

    let url = db.url.as_str();
    let run = |key: &str| {
        Command::new(env!("CARGO_BIN_EXE_dtrag"))
            .args([
                "--database-url",
                url,
                "ask",
                "what happens at dawn",
                "--agent",
                "zoo",
                "--json",
            ])
            .env("DTRAG_LLM_API_KEY", key)
            .env("DTRAG_MODELS_DIR", crate::common::models_dir())
            .env_remove("DATABASE_URL")
            .stdin(Stdio::null())
            .output()
            .expect("run dtrag")
    };
    let o = run("test-key");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let a: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(a["citations"], serde_json::json!([2, 1]));
    assert_eq!(a["model"], "fake-1");
    assert_eq!(
        (a["prompt_tokens"].as_u64(), a["completion_tokens"].as_u64()),
        (Some(1000), Some(200))
    );
    let cost = a["cost_usd"].as_f64().unwrap();
    assert!(
        (cost - (1000.0 * 0.15 + 200.0 * 0.6) / 1e6).abs() < 1e-12,
        "{cost}"
    );
    assert!(a["taxonomy_version"].as_i64().unwrap() >= 1);
    assert!(a["timings"]["total_ms"].as_f64().unwrap() >= a["timings"]["llm_ms"].as_f64().unwrap());
    let context = a["context"].as_array().unwrap();
    assert!(!context.is_empty());
    for p in context {
        assert!(ANIMALS.contains(&p["document"].as_str().unwrap()), "{p}");
    }

    // What the endpoint received is exactly those passages, numbered, and nothing hidden.
    let sent = seen.lock().unwrap().last().cloned().unwrap();
    let prompt = sent["body"]["messages"][1]["content"]
        .as_str()
        .unwrap()
        .to_string();
    for p in context {
        assert!(prompt.contains(&format!("[{}] ", p["n"])));
    }
    assert!(
        !prompt.contains("hammer") && !prompt.contains("secret"),
        "{prompt}"
    );
    assert_eq!(sent["body"]["model"], "fake-1");

    // A refused key is `unauthorized`, with the endpoint's reason.
    let o = run("wrong");
    assert!(!o.status.success());
    let e: Value = serde_json::from_slice(&o.stderr).unwrap();
    assert_eq!(e["kind"], "unauthorized");
}
