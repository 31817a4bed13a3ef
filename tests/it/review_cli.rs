//! The review commands as scripts use them: `dtrag classify --json`, `review list --json`,
//! decisions and their refusals (with the error kind), `classifications export` as JSON Lines.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::classify::handle;
use crate::common::{dtrag_as as dtrag, fingerprint, fresh_db, json_as as json};
use crate::review_corpus::{build, Spec};

fn keys(v: &Value) -> BTreeSet<&str> {
    v.as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect()
}

#[tokio::test]
async fn the_review_commands_speak_json_and_refuse_with_a_kind() {
    let db = fresh_db().await;
    let spec = Spec {
        categories: 3,
        labelled: 0,
        unlabelled: 6,
        noise: 2.0,
        seed: 9,
    };
    build(&db, handle(&db, "setup"), &spec).await;
    let url = db.url.as_str();

    let run = json(url, "ada", &["classify", "--json"]);
    for k in [
        "documents",
        "auto_accepted",
        "queued",
        "threshold",
        "estimated_precision",
    ] {
        assert!(run.get(k).is_some(), "classify --json lacks {k}: {run}");
    }
    assert_eq!(
        (run["documents"].as_i64(), run["queued"].as_i64()),
        (Some(6), Some(6))
    );

    let list = json(url, "ada", &["review", "list", "--json"]);
    assert_eq!(
        keys(&list),
        BTreeSet::from(["total", "total_exact", "items"])
    );
    assert_eq!(list["total"].as_i64(), Some(6));
    assert_eq!(list["total_exact"], true);
    let first = &list["items"][0];
    assert!(["id", "document", "reason", "suggestions"]
        .iter()
        .all(|k| first.get(*k).is_some()));
    assert_eq!(
        keys(&first["suggestions"][0]),
        BTreeSet::from(["category", "confidence"])
    );
    let id = first["id"].as_i64().unwrap().to_string();

    let d = json(url, "ada", &["review", "accept", &id, "--json"]);
    assert_eq!(d["action"], "accept");
    // A second decision on it is a conflict, with its kind, and writes nothing.
    let before = fingerprint(&db.pool).await;
    let o = dtrag(url, "bob", &["review", "reject", &id, "--json"]);
    assert!(!o.status.success());
    let err: Value = serde_json::from_slice(&o.stderr).expect("a JSON error on stderr");
    assert_eq!(err["kind"], "conflict", "{err}");
    assert_eq!(fingerprint(&db.pool).await, before);
    // A bulk accept below the floor is refused; its dry run counts.
    let dry = json(
        url,
        "ada",
        &[
            "review",
            "accept",
            "--where",
            "--dry-run",
            "--floor",
            "0",
            "--json",
        ],
    );
    assert_eq!(dry["matched"].as_i64(), Some(5));
    let o = dtrag(
        url,
        "ada",
        &["review", "accept", "--where", "--floor", "1", "--json"],
    );
    assert!(!o.status.success());
    assert_eq!(fingerprint(&db.pool).await, before);

    let export = dtrag(url, "ada", &["classifications", "export"]);
    assert!(export.status.success());
    let lines: Vec<Value> = String::from_utf8_lossy(&export.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert!(!lines.is_empty());
    for l in &lines {
        assert_eq!(
            keys(l),
            BTreeSet::from([
                "document",
                "category",
                "confidence",
                "status",
                "source",
                "reason"
            ])
        );
    }
    assert_eq!(
        lines.iter().filter(|l| l["status"] == "accepted").count(),
        1
    );
    let accepted = json(
        url,
        "ada",
        &["classifications", "export", "--status", "accepted"],
    );
    assert_eq!(accepted["source"], "human");
    let o = dtrag(
        url,
        "ada",
        &["classifications", "export", "--status", "bogus"],
    );
    assert!(!o.status.success());

    let u = json(url, "ada", &["review", "undo", "--json"]);
    assert_eq!(u["item"].as_i64().map(|i| i.to_string()), Some(id));
    let stats = json(url, "ada", &["review", "stats", "--json"]);
    assert_eq!(stats["pending"].as_i64(), Some(6));
}
