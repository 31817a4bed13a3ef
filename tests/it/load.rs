//! Connections under load (issue 11, part 1): a client beyond the server's limit waits and then
//! gets a typed busy error, never a hang; a burst of CLI processes does not exhaust the server;
//! the load benchmark's clients run and leave the history dense.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection};

use crate::common::{fresh_db, meta, parse_import, SAMPLE};
use dtrag_core::db::busy;
use dtrag_core::ErrorKind;

/// A login role limited to `limit` connections (the server says 53300, as when max_connections
/// is reached, but without filling the shared test server). Superusers ignore such limits, so
/// the test connects as this role.
async fn limited_role(db: &crate::common::TestDb, limit: i32) -> (String, PgConnectOptions) {
    let role = format!(
        "load_limit_{}",
        db.name.rsplit('_').take(2).collect::<Vec<_>>().join("_")
    );
    sqlx::query(&format!(
        "CREATE ROLE {role} LOGIN PASSWORD 'load-pw' CONNECTION LIMIT {limit}"
    ))
    .execute(&db.admin)
    .await
    .expect("create a limited role");
    let options = db
        .admin
        .connect_options()
        .as_ref()
        .clone()
        .username(&role)
        .password("load-pw");
    (role, options)
}

#[tokio::test]
async fn a_client_beyond_the_connection_limit_waits_then_gets_a_typed_busy_error() {
    let db = fresh_db().await;
    let (role, options) = limited_role(&db, 1).await;
    let held = options.connect().await.expect("the one connection allowed");

    let wait = Duration::from_secs(2);
    let t = Instant::now();
    let err = busy::open_pool(options.clone(), 2, wait)
        .await
        .expect_err("a second client is refused once the wait is over");
    let took = t.elapsed();
    assert_eq!(err.kind(), ErrorKind::Busy, "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("busy") && msg.contains("too many connections"),
        "{msg}"
    );
    assert!(took >= wait, "it waited {took:?}, less than {wait:?}");
    assert!(took < wait * 4, "it waited {took:?}: nearly a hang");

    // A slot that comes free while the client waits is taken: no error at all.
    let opener = tokio::spawn(busy::open_pool(options.clone(), 2, Duration::from_secs(10)));
    tokio::time::sleep(Duration::from_millis(500)).await;
    held.close().await.expect("close");
    let pool = opener
        .await
        .expect("join")
        .expect("admitted once the slot was free");
    let one: i32 = sqlx::query_scalar("SELECT 1")
        .fetch_one(&pool)
        .await
        .expect("query");
    assert_eq!(one, 1);
    pool.close().await;
    sqlx::query(&format!("DROP ROLE {role}"))
        .execute(&db.admin)
        .await
        .expect("drop the role");
}

/// Client connections to the test database other than the test's own pool.
async fn others(db: &crate::common::TestDb) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
           AND application_name = 'dtrag'",
    )
    .fetch_one(&db.pool)
    .await
    .expect("count connections")
}

#[tokio::test]
async fn two_hundred_cli_processes_at_once_all_succeed_and_leave_no_connection_behind() {
    let db = fresh_db().await;
    dtrag_core::taxonomy::import::import(
        &db.pool,
        parse_import(SAMPLE).expect("parse"),
        &meta("sample"),
        "sample",
    )
    .await
    .expect("import");
    let key: String = sqlx::query_scalar("SELECT key FROM node ORDER BY key LIMIT 1")
        .fetch_one(&db.pool)
        .await
        .expect("a key");

    // A runbook in a loop: 200 `dtrag taxonomy show` started together.
    let children: Vec<_> = (0..200)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_dtrag"))
                .args(["--database-url", &db.url, "taxonomy", "show", &key])
                .env_remove("DATABASE_URL")
                .env_remove("DTRAG_DATA_DIR")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn dtrag")
        })
        .collect();
    let mut peak = 0;
    let mut failures = Vec::new();
    let started = Instant::now();
    let mut pending = children;
    while !pending.is_empty() {
        peak = peak.max(others(&db).await);
        let mut still = Vec::new();
        for mut c in pending {
            match c.try_wait().expect("wait") {
                Some(status) if !status.success() => {
                    let out = c.wait_with_output().expect("output");
                    failures.push(String::from_utf8_lossy(&out.stderr).to_string());
                }
                Some(_) => {}
                None => still.push(c),
            }
        }
        pending = still;
        assert!(
            started.elapsed() < Duration::from_secs(240),
            "200 CLI processes still running after 4 minutes: a hang"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        failures.is_empty(),
        "{} of 200 failed, e.g.:\n{}",
        failures.len(),
        failures[0]
    );
    let max: i64 = sqlx::query_scalar("SELECT current_setting('max_connections')::bigint")
        .fetch_one(&db.pool)
        .await
        .expect("max_connections");
    assert!(peak <= max, "peak {peak} of {max}");
    // Every process closed its connections on the way out.
    let t = Instant::now();
    while others(&db).await > 0 && t.elapsed() < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(others(&db).await, 0, "connections left behind");
    eprintln!(
        "200 CLI processes: peak {peak} connections, {:?}",
        started.elapsed()
    );
}
