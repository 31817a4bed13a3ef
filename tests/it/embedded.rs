//! The embedded default database: start (creating it), reuse, status, stop, and refusals.

use dtrag_core::db::embedded::EmbeddedCluster;
use sqlx::Connection;

fn scratch_dir(name: &str) -> std::path::PathBuf {
    let dir =
        std::env::temp_dir().join(format!("dtrag-embedded-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[tokio::test]
async fn start_reuse_status_stop() {
    let dir = scratch_dir("lifecycle");
    let cluster = EmbeddedCluster::new(&dir);
    let status = cluster.status().await.unwrap();
    assert!(!status.initialized && !status.running);

    let url = cluster.start().await.unwrap();
    assert!(
        url.contains("host=") && !url.contains("127.0.0.1"),
        "socket only: {url}"
    );
    let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
    let exts: Vec<String> = {
        let pool = dtrag_core::db::connect_login(&url, None, 2).await.unwrap();
        dtrag_core::db::migrate::migrate(&pool, false)
            .await
            .unwrap();
        sqlx::query_scalar("SELECT extname::text FROM pg_extension ORDER BY 1")
            .fetch_all(&pool)
            .await
            .unwrap()
    };
    for e in ["btree_gist", "pg_trgm", "vector"] {
        assert!(exts.contains(&e.to_string()), "{e} missing: {exts:?}");
    }
    let max: String = sqlx::query_scalar("SHOW max_connections")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert!(
        max.parse::<u32>().unwrap() > 100,
        "more than 100 connections: {max}"
    );
    conn.close().await.unwrap();

    // Starting again reuses the running cluster.
    assert_eq!(cluster.start().await.unwrap(), url);
    let status = cluster.status().await.unwrap();
    assert!(status.initialized && status.running);

    assert!(cluster.stop().await.unwrap());
    assert!(!cluster.status().await.unwrap().running);
    assert!(
        !cluster.stop().await.unwrap(),
        "stopping a stopped cluster says so"
    );
    assert!(sqlx::PgConnection::connect(&url).await.is_err());

    // And it starts again from its existing directory.
    cluster.start().await.unwrap();
    cluster.stop().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn the_cli_uses_the_embedded_database_by_default() {
    let dir = scratch_dir("cli");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dtrag"))
        .args(["--data-dir"])
        .arg(&dir)
        .args(["--json", "taxonomy", "versions"])
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let versions: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(versions[0]["version"], 0);
    assert_eq!(versions[0]["kind"], "init");
    EmbeddedCluster::new(&dir).stop().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn an_unreachable_data_dir_is_refused_with_a_reason() {
    // Only meaningful as root, where the server runs as `postgres`, which cannot enter /root.
    let is_root = std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(2) == Some("0"));
    let root_home = std::path::Path::new("/root");
    if !is_root || !root_home.exists() {
        return;
    }
    let dir = root_home.join(format!(".dtrag-unreachable-{}", std::process::id()));
    let err = EmbeddedCluster::new(&dir)
        .start()
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("cannot reach") && err.contains("--data-dir"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
