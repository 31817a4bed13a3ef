//! End to end: the `dtrag` binary against a fresh database of its own per test.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use dtrag_core::taxonomy::NodeRecord;

const SAMPLE_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/sample-taxonomy.jsonl"
);

/// Runs `dtrag --database-url URL ARGS...` as author `cli-test`, stdin not a terminal.
fn dtrag(url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dtrag"))
        .arg("--database-url")
        .arg(url)
        .args(args)
        .env("DTRAG_AUTHOR", "cli-test")
        .env_remove("DATABASE_URL")
        .env_remove("DTRAG_DATA_DIR")
        .stdin(Stdio::null())
        .output()
        .expect("run the dtrag binary")
}

fn describe(args: &[&str], o: &Output) -> String {
    format!(
        "dtrag {}\nstatus: {}\nstdout:\n{}\nstderr:\n{}",
        args.join(" "),
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Runs and requires success; returns stdout.
fn ok(url: &str, args: &[&str]) -> String {
    let o = dtrag(url, args);
    assert!(
        o.status.success(),
        "expected success: {}",
        describe(args, &o)
    );
    String::from_utf8(o.stdout).expect("stdout is UTF-8")
}

/// Runs and requires failure; returns (stdout, stderr).
fn fails(url: &str, args: &[&str]) -> (String, String) {
    let o = dtrag(url, args);
    assert!(
        !o.status.success(),
        "expected failure: {}",
        describe(args, &o)
    );
    (
        String::from_utf8(o.stdout).expect("stdout is UTF-8"),
        String::from_utf8(o.stderr).expect("stderr is UTF-8"),
    )
}

fn json(url: &str, args: &[&str]) -> Value {
    let out = ok(url, args);
    serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("not JSON ({e}): dtrag {}\n{out}", args.join(" ")))
}

/// The sample file read independently: sorted by key, parents sorted.
fn sample_records() -> Vec<NodeRecord> {
    jsonl_records(crate::common::SAMPLE)
}

fn jsonl_records(text: &str) -> Vec<NodeRecord> {
    let mut v: Vec<NodeRecord> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("a node record"))
        .collect();
    for r in &mut v {
        r.parents.sort();
    }
    v.sort_by(|a, b| a.key.cmp(&b.key));
    v
}

fn export(url: &str, extra: &[&str]) -> Vec<NodeRecord> {
    let mut args = vec!["taxonomy", "export"];
    args.extend_from_slice(extra);
    // Export is JSON Lines in the export order: compare it as printed, not re-sorted.
    ok(url, &args)
        .lines()
        .map(|l| serde_json::from_str(l).expect("an exported record"))
        .collect()
}

fn keys(v: &Value) -> BTreeSet<&str> {
    v.as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .map(String::as_str)
        .collect()
}

fn tmp_file(name: &str, text: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("cli-{}-{name}", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path
}

async fn imported() -> crate::common::TestDb {
    let db = crate::common::fresh_db().await;
    let out = ok(
        &db.url,
        &["taxonomy", "import", SAMPLE_PATH, "-m", "sample import"],
    );
    assert!(out.contains("published version 1"), "{out}");
    db
}

#[tokio::test]
async fn import_then_versions_and_export() {
    let db = imported().await;
    let url = &db.url;

    let versions = json(url, &["--json", "taxonomy", "versions"]);
    let versions = versions.as_array().expect("an array of versions");
    assert_eq!(versions.len(), 2, "{versions:?}");
    assert_eq!(versions[0]["version"], 0);
    assert_eq!(versions[0]["kind"], "init");
    assert_eq!(versions[1]["version"], 1);
    assert_eq!(versions[1]["parent_version"], 0);
    assert_eq!(versions[1]["kind"], "import");
    assert_eq!(versions[1]["author"], "cli-test");
    assert_eq!(versions[1]["message"], "sample import");
    assert_eq!(versions[1]["restored_from"], Value::Null);

    let expected = sample_records();
    assert_eq!(expected.len(), 27);
    assert_eq!(export(url, &[]), expected);
    assert_eq!(export(url, &["--version", "1"]), expected);
    assert_eq!(export(url, &["--version", "0"]), vec![]);
    let file = tmp_file("export.jsonl", "");
    ok(url, &["taxonomy", "export", "-o", file.to_str().unwrap()]);
    assert_eq!(
        jsonl_records(&std::fs::read_to_string(&file).unwrap()),
        expected
    );
    std::fs::remove_file(file).unwrap();
    let (_, err) = fails(url, &["taxonomy", "export", "--version", "7"]);
    assert!(err.contains("version 7 does not exist"), "{err}");

    // Importing the same file again changes nothing and publishes nothing.
    let before = crate::common::fingerprint(&db.pool).await;
    let out = ok(url, &["taxonomy", "import", SAMPLE_PATH]);
    assert!(out.contains("nothing changed"), "{out}");
    assert_eq!(crate::common::fingerprint(&db.pool).await, before);
}

#[tokio::test]
async fn diff_json_has_the_documented_shape() {
    let db = imported().await;
    let url = &db.url;
    ok(
        url,
        &["taxonomy", "rename", "tech.ai", "Künstliche Intelligenz"],
    );
    ok(
        url,
        &[
            "taxonomy",
            "describe",
            "tech.db",
            "Storing, indexing and querying data.",
        ],
    );

    let d = json(url, &["taxonomy", "diff", "1", "3", "--json"]);
    assert_eq!(
        keys(&d),
        BTreeSet::from([
            "from",
            "to",
            "summary",
            "added",
            "removed",
            "renamed",
            "moved",
            "edited",
            "impact",
            "agent_scopes"
        ])
    );
    assert_eq!(
        keys(&d["impact"]),
        BTreeSet::from([
            "entries",
            "sent_to_review",
            "carried_by_merge",
            "split_items",
            "restored"
        ])
    );
    assert_eq!((d["from"].as_i64(), d["to"].as_i64()), (Some(1), Some(3)));
    assert_eq!(
        keys(&d["summary"]),
        BTreeSet::from(["added", "removed", "renamed", "moved", "edited"])
    );
    assert_eq!(
        d["summary"],
        serde_json::json!({"added": 0, "removed": 0, "renamed": 1, "moved": 0, "edited": 1})
    );
    for list in ["added", "removed", "moved"] {
        assert_eq!(d[list], serde_json::json!([]), "{list}");
    }
    assert_eq!(
        d["renamed"],
        serde_json::json!([{
            "key": "tech.ai",
            "before": "Artificial intelligence",
            "after": "Künstliche Intelligenz"
        }])
    );
    let edited = d["edited"].as_array().expect("edited is an array");
    assert_eq!(edited.len(), 1);
    let e = &edited[0];
    assert_eq!(
        keys(e),
        BTreeSet::from(["key", "label", "before", "after", "description_diff"])
    );
    assert_eq!(e["key"], "tech.db");
    assert_eq!(e["label"], "Databases");
    assert_eq!(
        e["before"],
        serde_json::json!({"description": "Storing and querying data.", "alt_labels": []})
    );
    assert_eq!(
        e["after"],
        serde_json::json!({"description": "Storing, indexing and querying data.", "alt_labels": []})
    );
    // The word diff rebuilds both texts: equal+delete spans = before, equal+insert spans = after.
    let spans = e["description_diff"].as_array().expect("description_diff");
    assert!(!spans.is_empty());
    let (mut old, mut new) = (String::new(), String::new());
    for s in spans {
        assert_eq!(keys(s), BTreeSet::from(["tag", "text"]));
        let text = s["text"].as_str().unwrap();
        match s["tag"].as_str().unwrap() {
            "equal" => {
                old += text;
                new += text;
            }
            "delete" => old += text,
            "insert" => new += text,
            other => panic!("unknown span tag {other:?}"),
        }
    }
    assert_eq!(old, "Storing and querying data.");
    assert_eq!(new, "Storing, indexing and querying data.");
    assert!(spans.iter().any(|s| s["tag"] == "insert"));

    // The other way round.
    let back = json(url, &["--json", "taxonomy", "diff", "3", "1"]);
    assert_eq!(
        (back["from"].as_i64(), back["to"].as_i64()),
        (Some(3), Some(1))
    );
    assert_eq!(back["renamed"][0]["before"], "Künstliche Intelligenz");
    assert_eq!(back["renamed"][0]["after"], "Artificial intelligence");
    // Nothing between a version and itself.
    let same = json(url, &["--json", "taxonomy", "diff", "2", "2"]);
    assert_eq!(
        same["summary"],
        serde_json::json!({"added": 0, "removed": 0, "renamed": 0, "moved": 0, "edited": 0})
    );
}

#[tokio::test]
async fn a_cycle_is_refused_with_its_path_and_writes_nothing() {
    let db = imported().await;
    let url = &db.url;
    let before = crate::common::fingerprint(&db.pool).await;
    let (_, err) = fails(url, &["taxonomy", "add-parent", "tech", "tech.db.pgvector"]);
    let line = err
        .lines()
        .find(|l| l.contains("cycle refused: "))
        .unwrap_or_else(|| panic!("no cycle path in stderr: {err}"));
    let path: Vec<&str> = line
        .split("cycle refused: ")
        .nth(1)
        .unwrap()
        .trim()
        .split(" -> ")
        .collect();
    // tech -> (its would-be parent) tech.db.pgvector -> ... -> tech, every other step a real edge.
    assert!(path.len() >= 3, "{path:?}");
    assert_eq!(path.first(), Some(&"tech"), "{path:?}");
    assert_eq!(path.last(), Some(&"tech"), "{path:?}");
    assert_eq!(path[1], "tech.db.pgvector", "{path:?}");
    let head = export(url, &[]);
    for w in path[1..].windows(2) {
        let child = head.iter().find(|r| r.key == w[0]).expect("a node");
        assert!(
            child.parents.iter().any(|p| p == w[1]),
            "{} is not a parent of {} (path {path:?})",
            w[1],
            w[0]
        );
    }
    assert_eq!(crate::common::fingerprint(&db.pool).await, before);
    assert_eq!(
        json(url, &["--json", "taxonomy", "versions"])
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn a_malformed_import_names_the_line_and_writes_nothing() {
    let db = imported().await;
    let url = &db.url;
    let before = crate::common::fingerprint(&db.pool).await;
    let file = tmp_file(
        "bad.jsonl",
        "{\"key\": \"a\", \"label\": \"A\"}\n\
         {\"key\": \"b\", \"label\": \"B\", \"parents\": [\"a\"]}\n\
         {\"key\": \"c\", \"label\": \"C\", \"parents\": [\"a\"\n\
         {\"key\": \"d\", \"label\": \"D\"}\n",
    );
    let (_, err) = fails(url, &["taxonomy", "import", file.to_str().unwrap()]);
    assert!(err.contains(":3:"), "{err}");
    assert!(err.contains(file.to_str().unwrap()), "{err}");
    assert_eq!(crate::common::fingerprint(&db.pool).await, before);
    assert_eq!(export(url, &[]), sample_records());
    std::fs::remove_file(file).unwrap();
}

#[tokio::test]
async fn rollback_needs_confirmation_then_publishes_and_audit_names_the_actor() {
    let db = imported().await;
    let url = &db.url;
    ok(
        url,
        &["taxonomy", "rename", "science", "Sciences naturelles"],
    );

    // No --yes and stdin is not a terminal: refused, nothing written.
    let before = crate::common::fingerprint(&db.pool).await;
    let (_, err) = fails(url, &["taxonomy", "rollback", "--to", "1"]);
    assert!(err.contains("--yes"), "{err}");
    assert_eq!(crate::common::fingerprint(&db.pool).await, before);

    let out = json(
        url,
        &["taxonomy", "rollback", "--to", "1", "--yes", "--json"],
    );
    assert_eq!(out["version"], 3, "{out}");
    assert_eq!(out["restored"], 1);
    assert_eq!(out["head_before"], 2);
    assert_eq!(out["dry_run"], false);
    let ms = out["elapsed_ms"].as_f64().expect("elapsed_ms is a number");
    assert!(ms >= 0.0);
    assert_eq!(out["diff"]["summary"]["renamed"], 1);
    assert_eq!(out["diff"]["renamed"][0]["after"], "Science");
    assert_eq!(export(url, &[]), sample_records());

    let versions = json(url, &["--json", "taxonomy", "versions"]);
    let last = versions.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["version"], 3);
    assert_eq!(last["kind"], "rollback");
    assert_eq!(last["restored_from"], 1);
    assert_eq!(last["author"], "cli-test");

    let audit = json(url, &["audit", "--json"]);
    let entries = audit.as_array().expect("an array of entries");
    assert_eq!(entries.len(), 3, "{audit}");
    assert!(entries.iter().all(|e| e["actor"] == "cli-test"), "{audit}");
    let actions: Vec<&str> = entries
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    // Newest first.
    assert_eq!(
        actions,
        ["taxonomy.rollback", "taxonomy.edit", "taxonomy.import"]
    );
    let versions: Vec<i64> = entries
        .iter()
        .map(|e| e["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [3, 2, 1]);
    let none = json(url, &["audit", "--json", "--actor", "someone-else"]);
    assert_eq!(none, serde_json::json!([]));
}

#[tokio::test]
async fn db_migrate_and_revert_dry_runs_change_nothing() {
    let db = crate::common::fresh_db().await;
    let url = &db.url;
    let applied = dtrag_core::db::migrate::applied_versions(&db.pool)
        .await
        .unwrap();
    assert!(!applied.is_empty());
    let before = crate::common::fingerprint(&db.pool).await;

    let out = ok(url, &["db", "migrate", "--dry-run"]);
    assert_eq!(out.trim(), "nothing to do");
    assert_eq!(
        json(url, &["--json", "db", "migrate", "--dry-run"]),
        serde_json::json!([])
    );

    let steps = json(url, &["db", "revert", "--dry-run", "--json"]);
    let steps = steps.as_array().expect("an array of steps");
    assert_eq!(steps.len(), 1, "{steps:?}");
    let s = &steps[0];
    assert_eq!(s["direction"], "down");
    assert_eq!(s["dry_run"], true);
    assert_eq!(s["version"].as_i64(), applied.last().copied());
    let sql = s["sql"].as_str().expect("the SQL is shown");
    // Exactly the last migration's down script.
    let down = dtrag_core::db::migrate::MIGRATOR
        .iter()
        .find(|m| {
            m.migration_type.is_down_migration() && Some(m.version) == applied.last().copied()
        })
        .expect("the last migration has a down script");
    assert_eq!(sql, down.sql.as_ref(), "{sql}");

    // Still applied: same migrations, same rows, and the CLI still opens the database.
    assert_eq!(
        dtrag_core::db::migrate::applied_versions(&db.pool)
            .await
            .unwrap(),
        applied
    );
    assert_eq!(crate::common::fingerprint(&db.pool).await, before);
    let versions = json(url, &["--json", "taxonomy", "versions"]);
    assert_eq!(versions.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_failure_prints_its_kind_with_json_and_one_line_without() {
    let db = imported().await;
    let (stdout, stderr) = fails(&db.url, &["--json", "taxonomy", "show", "no.such.node"]);
    assert_eq!(stdout, "", "stdout stays a clean result stream");
    let v: Value = serde_json::from_str(stderr.trim()).expect("a JSON error on stderr");
    assert_eq!(v["kind"], "not_found", "{v}");
    assert!(
        v["error"]
            .as_str()
            .is_some_and(|e| e.contains("no.such.node")),
        "{v}"
    );

    let (_, stderr) = fails(
        &db.url,
        &["taxonomy", "versions", "--version-does-not-exist"],
    );
    assert!(stderr.contains("--version-does-not-exist"), "{stderr}");
    let (_, stderr) = fails(&db.url, &["search", "x", "--k", "0"]);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: k must be"), "{stderr}");
}
