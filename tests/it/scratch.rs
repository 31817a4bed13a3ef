//! A private embedded cluster for tests that kill, fill or restore a server (the shared test
//! server must not be harmed), and the tools to interrupt work at a chosen moment.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use sqlx::{Connection, PgConnection};

use dtrag_api::{database, Config, Handle};
use dtrag_core::db::embedded::EmbeddedCluster;

use crate::common::models_dir;

pub struct Scratch {
    pub dir: PathBuf,
    pub config: Config,
}

impl Scratch {
    /// A data directory of its own (not started yet).
    pub fn new(name: &str) -> Scratch {
        Scratch::at(
            std::env::temp_dir().join(format!("dtrag-scratch-{name}-{}", std::process::id())),
        )
    }

    /// A data directory at `dir` (emptied first).
    pub fn at(dir: PathBuf) -> Scratch {
        let s = Scratch {
            config: config(dir.clone()),
            dir,
        };
        s.cleanup();
        s
    }

    pub fn cluster(&self) -> EmbeddedCluster {
        database::cluster(&self.config)
    }

    /// Opens it as the faces do (a new one gets the sample taxonomy and documents).
    pub async fn open(&self) -> Handle {
        let target = database::target(None, None, &self.config);
        Handle::open(&target, self.config.clone(), 4)
            .await
            .expect("open the scratch database")
            .0
    }

    pub async fn admin(&self) -> PgConnection {
        match PgConnection::connect(&self.cluster().url()).await {
            Ok(c) => c,
            Err(e) => panic!(
                "connect to the scratch database: {e}\n{}",
                self.server_log_tail()
            ),
        }
    }

    /// The end of the server's log, for failure messages.
    pub fn server_log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.dir.join("pg/server.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    /// SIGKILLs the postmaster, as a crash or the OOM killer would; its backends die with it.
    pub fn kill_postmaster(&self) -> u32 {
        let pidfile = self.cluster().pgdata().join("postmaster.pid");
        let pid: u32 = std::fs::read_to_string(&pidfile)
            .expect("postmaster.pid")
            .lines()
            .next()
            .and_then(|l| l.trim().parse().ok())
            .expect("a pid in postmaster.pid");
        let status = std::process::Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .expect("kill");
        assert!(status.success(), "kill -KILL {pid}");
        pid
    }

    /// Stops the server (if running) and removes the directory.
    pub fn cleanup(&self) {
        let pgdata = self.dir.join("pg");
        if pgdata.join("postmaster.pid").exists() {
            let _ = std::process::Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(
                    dtrag_core::db::embedded::pg_bindir(None)
                        .expect("bindir")
                        .join("pg_ctl"),
                )
                .arg("-D")
                .arg(&pgdata)
                .args(["-m", "immediate", "-w", "stop"])
                .current_dir("/")
                .output();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        self.cleanup();
    }
}

pub fn config(data_dir: PathBuf) -> Config {
    Config {
        data_dir,
        models_dir: models_dir(),
        author: "fault-test".into(),
        embeddings_api_key: None,
        llm_api_key: None,
        pg_bindir: None,
    }
}

/// Holds `LOCK TABLE table IN SHARE MODE` in an open transaction: readers go on, every writer of
/// the table waits. Work that writes `table` last (the audit log: every mutation's last insert)
/// is thereby paused with all its other writes done and uncommitted — the moment to crash it.
pub async fn hold_writes(conn: &mut PgConnection, table: &str) {
    sqlx::query("BEGIN")
        .execute(&mut *conn)
        .await
        .expect("begin");
    sqlx::query(&format!("LOCK TABLE {table} IN SHARE MODE"))
        .execute(&mut *conn)
        .await
        .expect("lock");
}

/// Waits until some session waits for a lock on `table` (the paused writer).
pub async fn until_waiting_on(conn: &mut PgConnection, table: &str) {
    let started = Instant::now();
    loop {
        let waiting: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_locks WHERE relation = $1::regclass AND NOT granted",
        )
        .bind(table)
        .fetch_one(&mut *conn)
        .await
        .expect("pg_locks");
        if waiting > 0 {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "nobody came to write {table}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
