//! Backups: `pg_dump` in its custom format beside a small manifest (`FILE.meta.json`: the app
//! version, the migration level, the source's fingerprint), and restores with `pg_restore` into
//! an empty database, refused when the backup's migration level is newer than this build knows.
//!
//! The dump and the fingerprint read one snapshot (`pg_export_snapshot` + `pg_dump --snapshot`),
//! so a restore is verified against exactly what was dumped even while others kept writing.
//! The migration level is also read back from the dump itself (its `_sqlx_migrations` rows), so
//! a dump whose manifest was lost still restores, only without the verification.

mod client;
mod dump;
pub mod log;
mod owner;

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use sqlx::{Connection, PgPool};

pub use client::Client;

use super::fingerprint::{self, Fingerprint};
use crate::error::{Error, Result};

/// What a backup records about itself, written as JSON beside the dump.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Manifest {
    /// The application version that wrote the backup.
    pub app_version: String,
    /// The highest migration applied to the backed-up database.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub migration_level: i64,
    pub created_at: String,
    /// The backed-up database's name.
    pub database: String,
    /// The fingerprint of the snapshot that was dumped ([`fingerprint::Fingerprint::digest`]).
    pub fingerprint: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BackupReport {
    pub file: PathBuf,
    pub manifest_file: PathBuf,
    pub manifest: Manifest,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub bytes: u64,
    pub took_ms: f64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RestoreReport {
    pub file: PathBuf,
    /// The database restored into.
    pub database: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub migration_level: i64,
    /// The restored database's fingerprint equals the manifest's (`None`: no manifest to check).
    pub verified: Option<bool>,
    pub fingerprint: String,
    /// Agent roles that did not exist on this server and were created (without logins: issue
    /// credentials again).
    pub roles_created: Vec<String>,
    pub took_ms: f64,
}

/// Where a backup's manifest lives: `FILE.meta.json`.
pub fn manifest_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".meta.json");
    PathBuf::from(name)
}

/// Dumps the database `pool` is connected to (reached by `pg_dump` through `client`) into `file`
/// and writes its manifest. `progress(done, total)` counts tables dumped.
pub async fn backup(
    pool: &PgPool,
    client: &Client,
    file: &Path,
    app_version: &str,
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> Result<BackupReport> {
    let started = Instant::now();
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io_path(dir, e))?;
    }
    let mut conn = pool.acquire().await?;
    let mut tx = conn.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await?;
    let snapshot: String = sqlx::query_scalar("SELECT pg_export_snapshot()")
        .fetch_one(&mut *tx)
        .await?;
    let (database, level): (String, Option<i64>) = sqlx::query_as(
        "SELECT current_database()::text,
                (SELECT max(version) FROM _sqlx_migrations WHERE success)",
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(d) if d.code().as_deref() == Some("42P01") => Error::Invalid(
            "the database has no migrations applied: nothing of DT-RAG Studio to back up".into(),
        ),
        _ => Error::Db(e),
    })?;
    let total: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')",
    )
    .fetch_one(&mut *tx)
    .await?;
    // The dump runs while this transaction holds the snapshot open.
    let temp = partial_path(file);
    let dumped = dump::pg_dump(client, &snapshot, &temp, total as usize, progress).await;
    let fp = match dumped {
        Ok(()) => fingerprint::fingerprint_in(&mut tx).await,
        Err(e) => Err(e),
    };
    tx.rollback().await?;
    let fp = match fp {
        Ok(fp) => fp,
        Err(e) => {
            let _ = std::fs::remove_file(&temp);
            return Err(e);
        }
    };
    let manifest = Manifest {
        app_version: app_version.to_string(),
        migration_level: level.unwrap_or(0),
        created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        database,
        fingerprint: fp.digest,
    };
    let manifest_file = manifest_path(file);
    let json = serde_json::to_string_pretty(&manifest)
        .map_err(|e| Error::Internal(format!("manifest: {e}")))?;
    std::fs::write(&manifest_file, json + "\n").map_err(|e| Error::io_path(&manifest_file, e))?;
    // Only a complete dump gets the final name: a crash or a full disk leaves `.partial` behind.
    std::fs::rename(&temp, file).map_err(|e| Error::io_path(file, e))?;
    let bytes = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    Ok(BackupReport {
        file: file.to_path_buf(),
        manifest_file,
        manifest,
        bytes,
        took_ms: started.elapsed().as_secs_f64() * 1e3,
    })
}

fn partial_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

/// The migration level recorded in a dump (its `_sqlx_migrations` rows), and the manifest beside
/// it when there is one.
pub async fn inspect(client: &Client, file: &Path) -> Result<(i64, Option<Manifest>)> {
    if !file.exists() {
        return Err(Error::not_found("backup file", file.display().to_string()));
    }
    let rows = dump::table_rows(client, file, "_sqlx_migrations").await?;
    let level = rows
        .column("version")
        .into_iter()
        .zip(rows.column("success"))
        .filter(|(_, ok)| *ok == "t")
        .filter_map(|(v, _)| v.parse::<i64>().ok())
        .max()
        .ok_or_else(|| {
            Error::Invalid(format!(
                "{} is not a DT-RAG Studio backup (no migrations recorded in it)",
                file.display()
            ))
        })?;
    let manifest_file = manifest_path(file);
    let manifest = match std::fs::read_to_string(&manifest_file) {
        Ok(text) => Some(serde_json::from_str(&text).map_err(|e| {
            Error::Invalid(format!(
                "{}: not a backup manifest: {e}",
                manifest_file.display()
            ))
        })?),
        Err(_) => None,
    };
    Ok((level, manifest))
}

/// Restores `file` into the empty database `pool` is connected to (reached by `pg_restore`
/// through `client`), all in one transaction: a failed restore leaves the database empty.
/// Refused when the dump's migration level is above `known_level` or the database is not empty.
pub async fn restore(
    pool: &PgPool,
    client: &Client,
    file: &Path,
    known_level: i64,
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> Result<RestoreReport> {
    let started = Instant::now();
    let (level, manifest) = inspect(client, file).await?;
    if level > known_level {
        return Err(Error::Invalid(format!(
            "the backup is at migration {level}, newer than this build knows ({known_level}): \
             restore it with a newer dtrag"
        )));
    }
    let (database, objects): (String, i64) = sqlx::query_as(
        "SELECT current_database()::text, (SELECT count(*) FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public')",
    )
    .fetch_one(pool)
    .await?;
    if objects > 0 {
        return Err(Error::Invalid(format!(
            "database {database:?} is not empty: restore into a new database (`--into NAME`) or \
             an empty data directory"
        )));
    }
    owner::ensure_roles(pool, level).await?;
    let roles_created = dump::create_missing_roles(pool, client, file).await?;
    if let Err(e) = dump::pg_restore(client, file, progress).await {
        dump::drop_roles(pool, &roles_created).await;
        return Err(e);
    }
    dump::database_grants(pool).await?;
    owner::own_schema(pool, level).await?;
    let fp: Fingerprint = fingerprint::fingerprint(pool).await?;
    let verified = manifest.as_ref().map(|m| m.fingerprint == fp.digest);
    if verified == Some(false) {
        return Err(Error::Internal(format!(
            "restored into {database:?}, but its fingerprint {} differs from the backup's {}",
            fp.digest,
            manifest.map(|m| m.fingerprint).unwrap_or_default()
        )));
    }
    Ok(RestoreReport {
        file: file.to_path_buf(),
        database,
        migration_level: level,
        verified,
        fingerprint: fp.digest,
        roles_created,
        took_ms: started.elapsed().as_secs_f64() * 1e3,
    })
}
