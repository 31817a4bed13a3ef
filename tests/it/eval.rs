//! `dtrag eval search` on a small world (BM25 only): scores against a hand computation, stored
//! sets and their last results per agent and version, two versions compared, and refusals that
//! name their line and write nothing.

use dtrag_api::eval::{self, EvalRequest, GoldenSource, LastEvalRequest};
use dtrag_api::types::{EvalOptions, Mode};

use crate::agents::world;
use crate::common::{dtrag_as, fingerprint, json_as};

/// Written to a file of its own in the temp folder.
fn golden_file(name: &str, text: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("dtrag-eval-{}-{name}.jsonl", std::process::id()));
    std::fs::write(&path, text).expect("write the golden file");
    path
}

const GOLDEN: &str = r#"{"query": "sparrow dawn", "relevant": ["bird1", "loose1"]}
{"query": "oak", "relevant": ["tree1"]}

{"query": "dawn", "relevant": ["bird2"], "under": ["animals"]}
{"query": "merger", "relevant": ["fish1"]}
"#;

async fn stored_sets(db: &crate::common::TestDb) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM golden_set")
        .fetch_one(&db.pool)
        .await
        .expect("count sets")
}

#[tokio::test]
async fn scores_equal_a_hand_computation_and_the_last_result_is_kept() {
    let (db, h) = world().await;
    let file = golden_file("hand", GOLDEN);
    let path = file.to_string_lossy().to_string();
    let r = json_as(
        &db.url,
        "ops",
        &[
            "eval", "search", &path, "--save", "birds", "--mode", "bm25", "--k", "3", "--json",
        ],
    );
    assert_eq!(r["set"], "birds");
    assert_eq!(r["queries"], 4);
    let m = &r["modes"][0];
    assert_eq!(m["mode"], "bm25");
    // Each query's ranking, read from the search itself, scored by hand.
    let mut expected = Vec::new();
    for (query, relevant, under) in [
        ("sparrow dawn", vec!["bird1", "loose1"], vec![]),
        ("oak", vec!["tree1"], vec![]),
        ("dawn", vec!["bird2"], vec!["animals".to_string()]),
        ("merger", vec!["fish1"], vec![]),
    ] {
        let got = dtrag_api::search::search(
            &h,
            &dtrag_api::types::SearchRequest {
                query: query.into(),
                mode: Mode::Bm25,
                k: 3,
                under,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let docs: Vec<&str> = got.hits.iter().map(|x| x.document.as_str()).collect();
        // recall, reciprocal rank, nDCG with binary gains.
        let found: Vec<usize> = docs
            .iter()
            .enumerate()
            .filter(|(_, d)| relevant.contains(d))
            .map(|(i, _)| i + 1)
            .collect();
        let dcg: f64 = found.iter().map(|r| 1.0 / ((r + 1) as f64).log2()).sum();
        let idcg: f64 = (1..=relevant.len().min(3))
            .map(|r| 1.0 / ((r + 1) as f64).log2())
            .sum();
        expected.push((
            found.len() as f64 / relevant.len() as f64,
            found.first().map_or(0.0, |r| 1.0 / *r as f64),
            dcg / idcg,
        ));
    }
    let n = expected.len() as f64;
    let mean = |f: fn(&(f64, f64, f64)) -> f64| expected.iter().map(f).sum::<f64>() / n;
    let close = |v: &serde_json::Value, x: f64| (v.as_f64().unwrap() - x).abs() < 1e-9;
    assert!(close(&m["recall"], mean(|e| e.0)), "{m}");
    assert!(close(&m["mrr"], mean(|e| e.1)), "{m}");
    assert!(close(&m["ndcg"], mean(|e| e.2)), "{m}");
    // "merger" finds only secret1: nothing relevant.
    assert_eq!(m["per_query"][3]["recall"], 0.0);
    assert!(m["p95_ms"].as_f64().unwrap() >= m["p50_ms"].as_f64().unwrap());

    // Stored: listed, and its last result is the run's.
    let sets = json_as(&db.url, "ops", &["eval", "sets", "list", "--json"]);
    assert_eq!(sets[0]["name"], "birds");
    assert_eq!(sets[0]["queries"], 4);
    let last = json_as(&db.url, "ops", &["eval", "last", "birds", "--json"]);
    assert_eq!(last["modes"], r["modes"]);
    // A rerun by name replaces it (one row per set, agent and version).
    let again = eval::search(
        &h,
        &EvalRequest {
            source: GoldenSource {
                set: Some("birds".into()),
                ..GoldenSource::default()
            },
            options: EvalOptions {
                modes: vec![Mode::Bm25, Mode::Hybrid],
                ..EvalOptions::default()
            },
        },
    )
    .await
    .unwrap();
    assert_eq!(again.modes.len(), 2);
    // Hybrid without vectors runs as BM25 and says so.
    assert!(again.modes[1].notice.is_some());
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM eval_result")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(rows, 1);
    let last = eval::last(
        &h,
        &LastEvalRequest {
            set: "birds".into(),
            agent: None,
            version: Some(again.version),
        },
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(last.k, 10);
    // The set saved is audited.
    let audited: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'eval.set.save'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(audited, 1);
    let _ = std::fs::remove_file(file);
}

#[tokio::test]
async fn an_agent_run_sees_only_its_scope_and_keeps_its_own_last_result() {
    let (db, h) = world().await;
    dtrag_api::agents::create(&h, &crate::agents::new_agent("zoo", &["animals"]))
        .await
        .unwrap();
    // (No `under` here: an agent's scope is the subject.)
    let file = golden_file(
        "agent",
        "{\"query\": \"sparrow dawn\", \"relevant\": [\"bird1\", \"loose1\"]}\n{\"query\": \"oak\", \"relevant\": [\"tree1\"]}\n",
    );
    let path = file.to_string_lossy().to_string();
    json_as(
        &db.url,
        "ops",
        &["eval", "sets", "add", "birds", &path, "--json"],
    );
    let owner = json_as(
        &db.url,
        "ops",
        &[
            "eval", "search", "--set", "birds", "--mode", "bm25", "--json",
        ],
    );
    let agent = json_as(
        &db.url,
        "ops",
        &[
            "eval", "search", "--set", "birds", "--mode", "bm25", "--agent", "zoo", "--json",
        ],
    );
    assert_eq!(agent["agent"], "zoo");
    // "oak" answers tree1, outside the agent's animals.
    assert_eq!(owner["modes"][0]["per_query"][1]["recall"], 1.0);
    assert_eq!(agent["modes"][0]["per_query"][1]["recall"], 0.0);
    let last_owner = json_as(&db.url, "ops", &["eval", "last", "birds", "--json"]);
    let last_agent = json_as(
        &db.url,
        "ops",
        &["eval", "last", "birds", "--agent", "zoo", "--json"],
    );
    assert_eq!(last_owner["agent"], serde_json::Value::Null);
    assert_eq!(last_agent["agent"], "zoo");
    let _ = std::fs::remove_file(file);
}

#[tokio::test]
async fn compare_names_the_queries_a_publish_hurt() {
    let (db, _h) = world().await;
    let file = golden_file(
        "compare",
        "{\"query\": \"sparrow hedge\", \"relevant\": [\"bird1\"], \"under\": [\"animals\"]}\n\
         {\"query\": \"salmon\", \"relevant\": [\"fish1\"], \"under\": [\"animals\"]}\n",
    );
    let path = file.to_string_lossy().to_string();
    // Version 2: birds moves from animals to plants.
    let o = dtrag_as(
        &db.url,
        "ops",
        &[
            "taxonomy",
            "move",
            "birds",
            "--parent",
            "plants",
            "-m",
            "birds are plants now",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let c = json_as(
        &db.url,
        "ops",
        &[
            "eval",
            "search",
            &path,
            "--mode",
            "bm25",
            "--compare",
            "1",
            "2",
            "--json",
        ],
    );
    assert_eq!(c["a"]["version"], 1);
    assert_eq!(c["b"]["version"], 2);
    let changed = c["changed"].as_array().unwrap();
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert_eq!(changed[0]["query"], "sparrow hedge");
    assert_eq!(
        (changed[0]["ndcg_a"].as_f64(), changed[0]["ndcg_b"].as_f64()),
        (Some(1.0), Some(0.0))
    );
    let _ = std::fs::remove_file(file);
}

#[tokio::test]
async fn bad_golden_input_names_its_line_and_writes_nothing() {
    let (db, _h) = world().await;
    let before = fingerprint(&db.pool).await;
    for (text, args, want) in [
        ("{\"query\": \"a\", \"relevant\": [\"bird1\"]}\n{\"query\": \"b\", \"relevant\": \"bird1\"}\n", vec![], ":2:"),
        ("{\"query\": \"a\", \"relevant\": [\"bird1\"]}\n\n{\"query\": \"b\", \"relevant\": [\"nope\"]}\n", vec![], ":3: no document \"nope\""),
        ("{\"query\": \"a\", \"relevant\": [\"bird1\"], \"undr\": []}\n", vec![], ":1:"),
        ("", vec![], "no queries"),
        ("{\"query\": \"a\", \"relevant\": [\"bird1\"]}\n", vec!["--agent", "ghost"], "no agent \"ghost\""),
        ("{\"query\": \"a\", \"relevant\": [\"bird1\"]}\n", vec!["--version", "99"], "99"),
        ("{\"query\": \"a\", \"relevant\": [\"bird1\"]}\n", vec!["--k", "0"], "k must be"),
        ("{\"query\": \"a\", \"relevant\": [\"bird1\"], \"under\": [\"nowhere\"]}\n", vec![], "nowhere"),
    ] {
        let file = golden_file("bad", text);
        let path = file.to_string_lossy().to_string();
        let mut a = vec!["eval", "search", path.as_str(), "--save", "bad", "--mode", "bm25"];
        a.extend(args.iter().copied());
        let o = dtrag_as(&db.url, "ops", &a);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success() && err.contains(want), "{text:?} {args:?}: {err}");
        let _ = std::fs::remove_file(file);
    }
    let file = golden_file("tune", GOLDEN);
    let o = dtrag_as(
        &db.url,
        "ops",
        &["eval", "search", &file.to_string_lossy(), "--tune"],
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("tuning needs vectors"));
    let _ = std::fs::remove_file(file);
    let o = dtrag_as(&db.url, "ops", &["eval", "search", "--set", "missing"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("no golden set \"missing\""));
    let o = dtrag_as(
        &db.url,
        "ops",
        &["eval", "sets", "add", "bad name", "/dev/null"],
    );
    assert!(!o.status.success());
    assert_eq!(stored_sets(&db).await, 0);
    assert_eq!(fingerprint(&db.pool).await, before);
}
