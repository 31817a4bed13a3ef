//! `dtrag db health`: on the embedded cluster (statement statistics loaded and readable, sizes,
//! connections, the last backup, an `ALTER SYSTEM` override of shared_buffers honoured), and on
//! a database without the statistics (the report says what to do instead of failing).

use sqlx::Executor;

use dtrag_api::backup::known_level;
use dtrag_api::types::StatementsStatus;
use dtrag_api::{database, ErrorKind, Handle};

use crate::backup::{dtrag, json_ok};
use crate::common::fresh_db;
use crate::scratch::{config, Scratch};

fn subjects(health: &serde_json::Value) -> Vec<String> {
    health["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .map(|w| w["subject"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn the_embedded_cluster_reports_its_health_with_statements_and_the_last_backup() {
    let s = Scratch::new("health");
    let h = json_ok(&dtrag(&s.dir, &["db", "health"]));

    assert!(
        h["server"]["version_num"].as_i64().unwrap_or(0) >= 150000,
        "{h}"
    );
    let extensions: Vec<&str> = h["server"]["extensions"]
        .as_array()
        .expect("extensions")
        .iter()
        .filter_map(|e| e["name"].as_str())
        .collect();
    assert!(extensions.contains(&"vector") && extensions.contains(&"pg_stat_statements"));
    assert_eq!(h["database"]["name"], "dtrag");
    assert_eq!(h["database"]["migration_level"], known_level());
    assert!(h["database"]["bytes"].as_i64().unwrap_or(0) > 1 << 20);

    // The CLI's own connection at least; within the server's limit.
    let c = &h["connections"];
    assert!(c["this_database"].as_i64().unwrap_or(0) >= 1, "{c}");
    assert!(c["in_use"].as_i64() <= c["max_connections"].as_i64());
    assert_eq!(
        c["max_connections"].as_i64(),
        Some(i64::from(dtrag_core::db::sizing::MAX_CONNECTIONS))
    );

    // Any vector index is the chunks' and fits in 512 MB (a model's index is built after its
    // first embedding run; advice.rs tests the comparison itself).
    assert_eq!(h["shared_buffers_bytes"], 512i64 << 20);
    for index in h["vector_indexes"].as_array().expect("vector indexes") {
        assert_eq!(index["method"], "hnsw", "{h}");
        assert_eq!(index["table"], "chunk_embedding");
        assert_eq!(index["fits_in_shared_buffers"], true);
    }
    let tables: Vec<&str> = h["tables"]
        .as_array()
        .expect("tables")
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    for table in ["node", "edge", "chunk", "audit_log", "backup_log"] {
        assert!(tables.contains(&table), "{table} missing from {tables:?}");
    }

    // Loaded at start and readable across roles: the migrations ran as the superuser and
    // dtrag_owner, the sample load as dtrag_app, and none of their text is hidden.
    let st = &h["statements"];
    assert_eq!(st["status"], "enabled", "{st}");
    assert_eq!(st["hidden"], 0, "{st}");
    let slowest = st["slowest"].as_array().expect("slowest");
    assert_eq!(slowest.len(), 10);
    assert!(slowest.iter().any(|q| q["query"]
        .as_str()
        .unwrap_or_default()
        .contains("CREATE TABLE")));
    let means: Vec<f64> = slowest
        .iter()
        .filter_map(|q| q["mean_ms"].as_f64())
        .collect();
    assert!(
        means.windows(2).all(|w| w[0] >= w[1]),
        "slowest first: {means:?}"
    );

    // Nobody but the definer functions' owner reads the statistics (no agent, not PUBLIC).
    let mut admin = s.admin().await;
    let readers: (bool, bool, bool) = sqlx::query_as(
        "SELECT has_table_privilege('public', 'pg_stat_statements', 'SELECT'),
                has_function_privilege('public', 'pg_stat_statements(boolean)', 'EXECUTE'),
                has_table_privilege('dtrag_app', 'pg_stat_statements', 'SELECT')",
    )
    .fetch_one(&mut admin)
    .await
    .expect("privileges");
    assert_eq!(readers, (false, false, false));
    drop(admin);

    // A new database was never backed up: the one warning, naming the command.
    assert_eq!(subjects(&h), vec!["backup"], "{}", h["warnings"]);
    assert_eq!(h["last_backup"], serde_json::Value::Null);

    // A backup is recorded, does not change the fingerprint, and silences the warning.
    let before = json_ok(&dtrag(&s.dir, &["db", "fingerprint"]));
    let file = s.dir.join("health.dump");
    json_ok(&dtrag(
        &s.dir,
        &["db", "backup", &file.display().to_string()],
    ));
    let after = json_ok(&dtrag(&s.dir, &["db", "fingerprint"]));
    assert_eq!(before["digest"], after["digest"]);
    let h = json_ok(&dtrag(&s.dir, &["db", "health", "--statements", "3"]));
    assert_eq!(h["last_backup"]["file"], file.display().to_string());
    assert!(!h["last_backup"]["taken_by"]
        .as_str()
        .unwrap_or_default()
        .is_empty());
    assert_eq!(h["last_backup"]["fingerprint"], before["digest"]);
    let age = h["last_backup_age_s"].as_f64().unwrap_or(-1.0);
    assert!((0.0..600.0).contains(&age), "{age}");
    assert_eq!(subjects(&h), Vec::<String>::new());
    assert_eq!(h["statements"]["slowest"].as_array().map(Vec::len), Some(3));

    // Too many statements asked for: a clear refusal.
    let out = dtrag(&s.dir, &["db", "health", "--statements", "101"]);
    assert!(!out.status.success());
    let err: serde_json::Value = serde_json::from_slice(&out.stdout)
        .or_else(|_| serde_json::from_slice(&out.stderr))
        .unwrap_or_default();
    assert_eq!(err["kind"], "invalid_input", "{err}");

    // The warning's advice works on the embedded cluster: ALTER SYSTEM wins over the app's
    // default at the next start.
    s.admin()
        .await
        .execute("ALTER SYSTEM SET shared_buffers = '256MB'")
        .await
        .expect("alter system");
    json_ok(&dtrag(&s.dir, &["db", "stop"]));
    let h = json_ok(&dtrag(&s.dir, &["db", "health"]));
    assert_eq!(h["shared_buffers_bytes"], 256i64 << 20);
    json_ok(&dtrag(&s.dir, &["db", "stop"]));
}

#[tokio::test]
async fn a_database_without_statement_statistics_says_how_to_enable_them() {
    // A test database is created by the tests, not opened as the embedded one: nothing created
    // pg_stat_statements in it, as on a server by URL whose DBA has not.
    let db = fresh_db().await;
    let handle = Handle::from_pool(db.pool.clone(), config(std::env::temp_dir()), false);
    let h = database::health(&handle, None).await.expect("health");
    assert_eq!(h.statements.status, StatementsStatus::NotInstalled);
    assert!(h.statements.slowest.is_empty());
    let w = h
        .warnings
        .iter()
        .find(|w| w.subject == "statements")
        .expect("a statements warning");
    let fix = w.fix.as_deref().unwrap_or_default();
    assert!(fix.contains("shared_preload_libraries"), "{fix}");
    assert!(
        fix.contains("GRANT pg_read_all_stats TO dtrag_owner"),
        "{fix}"
    );
    // A server by URL: the restart advice is not the embedded cluster's commands.
    assert!(h
        .warnings
        .iter()
        .filter_map(|w| w.fix.as_deref())
        .all(|f| !f.contains("dtrag db stop")));
    assert_eq!(h.database.name, db.name);
    // Without pg_read_all_stats for dtrag_owner the sessions are there, only hidden.
    assert!(h.connections.in_use >= 1, "{:?}", h.connections);

    let refused = database::health(&handle, Some(1000)).await;
    assert!(matches!(refused, Err(e) if e.kind() == ErrorKind::InvalidInput));
}
