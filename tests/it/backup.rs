//! Backups and restores: `dtrag db backup` / `db restore` round trips verified by fingerprint
//! (into a new data directory, into a new database), refusals (a non-empty database, a backup
//! newer than this build) that leave everything as it was, and `db migrate` backing up first.

use std::path::Path;

use dtrag_api::backup::{self, known_level, APP_VERSION};
use dtrag_api::{database, ErrorKind, Target};

use crate::common::fresh_db;
use crate::scratch::{config, Scratch};

/// `dtrag --data-dir DIR --json ARGS…` on the embedded cluster in DIR (shared with health.rs).
pub(crate) fn dtrag(data_dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_dtrag"))
        .arg("--data-dir")
        .arg(data_dir)
        .arg("--json")
        .args(args)
        .env_remove("DATABASE_URL")
        .output()
        .expect("run dtrag")
}

pub(crate) fn json_ok(out: &std::process::Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

#[tokio::test]
async fn a_backup_restores_into_a_new_data_directory_and_a_new_database_with_the_same_fingerprint()
{
    let a = Scratch::new("backup-a");
    let b = Scratch::new("backup-b");
    let source = json_ok(&dtrag(&a.dir, &["db", "fingerprint"]));
    let file = a.dir.join("one.dump");
    let file_s = file.display().to_string();

    let report = json_ok(&dtrag(&a.dir, &["db", "backup", &file_s]));
    assert!(file.exists() && backup_manifest(&file).exists());
    assert_eq!(report["manifest"]["app_version"], APP_VERSION);
    assert_eq!(report["manifest"]["migration_level"], known_level());
    assert_eq!(report["manifest"]["fingerprint"], source["digest"]);

    // Into an empty cluster (a new data directory): verified, and equal when read back.
    let restored = json_ok(&dtrag(&b.dir, &["db", "restore", &file_s]));
    assert_eq!(restored["verified"], true, "{restored}");
    assert_eq!(restored["migration_level"], known_level());
    let copy = json_ok(&dtrag(&b.dir, &["db", "fingerprint"]));
    assert_eq!(copy["digest"], source["digest"]);

    // Again into the same, now filled database: refused, nothing changed.
    let out = dtrag(&b.dir, &["db", "restore", &file_s]);
    assert!(!out.status.success());
    let err: serde_json::Value = serde_json::from_slice(&out.stdout)
        .or_else(|_| serde_json::from_slice(&out.stderr))
        .unwrap_or_default();
    let text = format!("{err} {}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("not empty"), "{text}");
    assert_eq!(
        json_ok(&dtrag(&b.dir, &["db", "fingerprint"]))["digest"],
        source["digest"]
    );

    // Into a new database of the same cluster.
    let into = json_ok(&dtrag(
        &a.dir,
        &["db", "restore", &file_s, "--into", "dtrag_restored"],
    ));
    assert_eq!(into["database"], "dtrag_restored");
    assert_eq!(into["verified"], true);
    // Not twice.
    let again = dtrag(
        &a.dir,
        &["db", "restore", &file_s, "--into", "dtrag_restored"],
    );
    assert!(!again.status.success());
}

fn backup_manifest(file: &Path) -> std::path::PathBuf {
    dtrag_core::db::backup::manifest_path(file)
}

#[tokio::test]
async fn a_backup_newer_than_this_build_is_refused_and_nothing_is_created() {
    let db = fresh_db().await;
    let dir = std::env::temp_dir().join(format!("dtrag-backup-newer-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let cfg = config(dir.clone());
    // A database from a future build: one more migration than we know.
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES ($1, 'from the future', true, '\\x00', 1)",
    )
    .bind(known_level() + 1)
    .execute(&db.admin)
    .await
    .unwrap();
    let target = Target::Url {
        url: db.url.clone(),
        password: None,
    };
    let file = dir.join("future.dump");
    let made = backup::backup(&target, &cfg, Some(file.clone()), &mut |_| {})
        .await
        .unwrap();
    assert_eq!(made.manifest.migration_level, known_level() + 1);

    let name = format!("dtrag_t_future_{}", std::process::id());
    let err = backup::restore(&target, &cfg, &file, Some(&name), &mut |_| {})
        .await
        .expect_err("refused");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().contains("newer than this build"), "{err}");
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&name)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert!(!exists, "a refused restore creates no database");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn db_migrate_backs_up_first_unless_told_not_to() {
    let db = fresh_db().await;
    let dir = std::env::temp_dir().join(format!("dtrag-backup-migrate-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let cfg = config(dir.clone());
    let target = Target::Url {
        url: db.url.clone(),
        password: None,
    };
    database::revert(&target, false).await.unwrap();
    let done = backup::migrate(&target, &cfg, false, true, &mut |_| {})
        .await
        .unwrap();
    let taken = done.backup.expect("a backup before migrating");
    assert!(taken.file.starts_with(dir.join("backups")) && taken.file.exists());
    // The level one step down: migration numbers may skip (one reserved and not used).
    let below = dtrag_core::db::migrate::MIGRATOR
        .iter()
        .map(|m| m.version)
        .filter(|v| *v < known_level())
        .max();
    assert_eq!(Some(taken.manifest.migration_level), below);
    assert_eq!(done.steps.len(), 1);

    // Nothing pending: no backup either; --no-backup: none.
    let idle = backup::migrate(&target, &cfg, false, true, &mut |_| {})
        .await
        .unwrap();
    assert!(idle.backup.is_none() && idle.steps.is_empty());
    database::revert(&target, false).await.unwrap();
    let skipped = backup::migrate(&target, &cfg, false, false, &mut |_| {})
        .await
        .unwrap();
    assert!(skipped.backup.is_none() && skipped.steps.len() == 1);
    let _ = std::fs::remove_dir_all(&dir);
}
