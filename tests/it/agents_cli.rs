//! `dtrag agents …` and `dtrag search --agent` as scripts use them: JSON out, refusals with their
//! kind, and a credentials URL an outside client can connect with.

use std::process::Output;

use serde_json::Value;
use sqlx::{Connection, PgConnection};

use crate::agents::{world, ANIMALS};
use crate::common::{dtrag_as, json_as};

fn dtrag(url: &str, args: &[&str]) -> Output {
    dtrag_as(url, "ops", args)
}

fn json(url: &str, args: &[&str]) -> Value {
    json_as(url, "ops", args)
}

fn refusal(url: &str, args: &[&str]) -> String {
    let o = dtrag(url, args);
    assert!(!o.status.success(), "dtrag {} succeeded", args.join(" "));
    let e: Value = serde_json::from_slice(&o.stderr).expect("a JSON error on stderr");
    e["kind"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn the_agent_commands_speak_json_and_the_url_logs_in() {
    let (db, _h) = world().await;
    let url = db.url.as_str();
    let a = json(
        url,
        &[
            "agents",
            "create",
            "zoo",
            "--category",
            "animals",
            "--mode",
            "bm25",
            "--k",
            "3",
            "--json",
        ],
    );
    assert_eq!(a["name"], "zoo");
    assert_eq!(a["scope"]["documents"], 5);
    assert_eq!(a["settings"]["mode"], "bm25");
    let list = json(url, &["agents", "list", "--json"]);
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    assert_eq!(
        refusal(
            url,
            &["agents", "create", "zoo", "--category", "plants", "--json"]
        ),
        "invalid_input"
    );
    assert_eq!(
        refusal(
            url,
            &["agents", "create", "z2", "--category", "nope", "--json"]
        ),
        "not_found"
    );
    assert_eq!(
        refusal(url, &["agents", "show", "ghost", "--json"]),
        "not_found"
    );
    // Search flags an agent's search does not take are refused, not ignored.
    assert!(!dtrag(
        url,
        &["search", "dawn", "--agent", "zoo", "--bm25-weight", "2"]
    )
    .status
    .success());

    // The agent's settings apply (BM25, k = 3) unless overridden.
    let r = json(url, &["search", "dawn", "--agent", "zoo", "--json"]);
    let docs: Vec<&str> = r["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["document"].as_str().unwrap())
        .collect();
    assert!(docs.len() <= 3 && !docs.is_empty());
    assert!(docs.iter().all(|d| ANIMALS.contains(d)), "{docs:?}");
    let r = json(
        url,
        &["search", "secret merger", "--agent", "zoo", "--json"],
    );
    assert_eq!(r["hits"].as_array().map(Vec::len), Some(0));

    let u = json(
        url,
        &[
            "agents",
            "update",
            "zoo",
            "--category",
            "plants",
            "--k",
            "5",
            "--json",
        ],
    );
    assert_eq!(u["categories"], serde_json::json!(["plants"]));
    assert_eq!(u["settings"]["k"], 5);
    assert_eq!(u["settings"]["mode"], "bm25", "settings not given stay");

    let check = json(url, &["agents", "check", "zoo", "--json"]);
    assert_eq!(check["passed"], true, "{check}");
    let c = json(url, &["agents", "credentials", "zoo", "--json"]);
    let login = c["url"].as_str().expect("a URL");
    let mut conn = PgConnection::connect(login).await.expect("the URL logs in");
    let seen: Vec<String> = sqlx::query_scalar("SELECT source_id FROM document ORDER BY 1")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    assert_eq!(seen, ["both1", "tree1"]);
    conn.close().await.ok();
    let c = json(url, &["agents", "credentials", "zoo", "--revoke", "--json"]);
    assert!(c["url"].is_null());
    assert!(
        PgConnection::connect(login).await.is_err(),
        "a revoked login still works"
    );

    json(url, &["agents", "remove", "zoo", "--json"]);
    assert_eq!(
        refusal(url, &["search", "dawn", "--agent", "zoo", "--json"]),
        "not_found"
    );
}
