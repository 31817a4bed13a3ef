//! Backups and restores of the configured database, and its fingerprint: `pg_dump` /
//! `pg_restore` from the server binaries' folder, reaching the embedded cluster or a server by
//! URL the way the faces do.

use std::path::{Path, PathBuf};

use serde::Serialize;
use sqlx::{Connection, PgPool};

use dtrag_core::db;
use dtrag_core::db::backup::{self, Client};
use dtrag_core::db::embedded::pg_bindir;
use dtrag_core::db::fingerprint::{self, Fingerprint};
use dtrag_core::db::migrate::{self, Step};
use dtrag_core::{Error, Result};

pub use dtrag_core::db::backup::{BackupReport, Manifest, RestoreReport};

use crate::config::Config;
use crate::database::{cluster, Target};
use crate::progress::{Progress, Reporter};
use crate::Handle;

/// The version written into every backup's manifest.
pub const APP_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The fingerprint of the open database (every table's rows, hashed in a deterministic order).
pub async fn fingerprint(handle: &Handle) -> Result<Fingerprint> {
    fingerprint::fingerprint(handle.pool()).await
}

/// Where a backup goes when no file is named: `DATA_DIR/backups/dtrag-DATABASE-UTCSTAMP.dump`.
pub fn default_file(config: &Config, database: &str) -> PathBuf {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    config
        .data_dir
        .join("backups")
        .join(format!("dtrag-{database}-{stamp}.dump"))
}

/// Backs up the target's database into `file` (default: [`default_file`]); `progress` reports
/// stage "backup", tables dumped.
pub async fn backup(
    target: &Target,
    config: &Config,
    file: Option<PathBuf>,
    progress: Reporter<'_>,
) -> Result<BackupReport> {
    let (pool, client) = reach(target, config, None).await?;
    let report = backup_pool(&pool, &client, config, file, progress).await;
    pool.close().await;
    report
}

async fn backup_pool(
    pool: &PgPool,
    client: &Client,
    config: &Config,
    file: Option<PathBuf>,
    progress: Reporter<'_>,
) -> Result<BackupReport> {
    let file = match file {
        Some(f) => f,
        None => {
            let name: String = sqlx::query_scalar("SELECT current_database()::text")
                .fetch_one(pool)
                .await?;
            default_file(config, &name)
        }
    };
    let mut report = |done, total| {
        progress(Progress {
            stage: "backup",
            done,
            total,
        })
    };
    let report = backup::backup(pool, client, &file, APP_VERSION, &mut report).await?;
    // The dump is complete and verified by its manifest whatever happens here: a failure to
    // note it in the database is logged, not turned into a failed backup.
    if let Err(e) = backup::log::record(pool, &report, &config.author).await {
        tracing::warn!(error = %e, "the backup was written but could not be recorded in backup_log");
    }
    Ok(report)
}

/// Restores `file` into the target's database, which must be empty (a new data directory), or,
/// with `into`, into a new database of that name on the same server (created here). Refused when
/// the backup is at a newer migration level than this build knows. Progress stage "restore".
pub async fn restore(
    target: &Target,
    config: &Config,
    file: &Path,
    into: Option<&str>,
    progress: Reporter<'_>,
) -> Result<RestoreReport> {
    if let Some(name) = into {
        check_database_name(name)?;
        // Read the backup's level before creating anything, so a refusal leaves no database.
        let (pool, client) = reach(target, config, None).await?;
        let known = known_level();
        let (level, _) = backup::inspect(&client, file).await?;
        if level > known {
            pool.close().await;
            return Err(Error::Invalid(format!(
                "the backup is at migration {level}, newer than this build knows ({known}): \
                 restore it with a newer dtrag"
            )));
        }
        let mut conn = pool.acquire().await?.detach();
        pool.close().await;
        let created = sqlx::query(&format!("CREATE DATABASE \"{name}\""))
            .execute(&mut conn)
            .await;
        conn.close().await?;
        if let Err(e) = created {
            return Err(match &e {
                sqlx::Error::Database(d) if d.code().as_deref() == Some("42P04") => Error::Invalid(
                    format!("database {name:?} already exists: choose a new name"),
                ),
                _ => Error::Db(e),
            });
        }
    }
    let (pool, client) = reach(target, config, into).await?;
    let mut report = |done, total| {
        progress(Progress {
            stage: "restore",
            done,
            total,
        })
    };
    let restored = backup::restore(&pool, &client, file, known_level(), &mut report).await;
    pool.close().await;
    restored
}

/// What `db migrate` did: the backup taken first (if any) and the steps.
#[derive(Debug, Clone, Serialize)]
pub struct Migrated {
    pub backup: Option<BackupReport>,
    pub steps: Vec<Step>,
}

/// Applies pending migrations, first backing the database up (unless `take_backup` is false, it
/// is a dry run, nothing is pending, or nothing was ever migrated: an empty database has nothing
/// to lose). A failed backup stops the migration.
pub async fn migrate(
    target: &Target,
    config: &Config,
    dry_run: bool,
    take_backup: bool,
    progress: Reporter<'_>,
) -> Result<Migrated> {
    let (pool, client) = reach(target, config, None).await?;
    let result = async {
        let applied = migrate::applied_versions(&pool).await?;
        let pending = known_versions().iter().any(|v| !applied.contains(v));
        let backup = if take_backup && !dry_run && pending && !applied.is_empty() {
            Some(backup_pool(&pool, &client, config, None, progress).await?)
        } else {
            None
        };
        let steps = migrate::migrate(&pool, dry_run).await?;
        Ok(Migrated { backup, steps })
    }
    .await;
    pool.close().await;
    result
}

/// A small pool on the target's database (or on database `other` of the same server) and how
/// the client programs reach it. The embedded cluster is started first.
async fn reach(target: &Target, config: &Config, other: Option<&str>) -> Result<(PgPool, Client)> {
    let bindir = pg_bindir(config.pg_bindir.as_deref())?;
    let (url, password) = match target {
        Target::Embedded(_) => {
            let c = cluster(config);
            c.start().await?;
            (c.url_for(other.unwrap_or(db::embedded::DATABASE)), None)
        }
        Target::Url { url, password } => (
            match other {
                Some(name) => with_database(url, name),
                None => url.clone(),
            },
            password.clone(),
        ),
    };
    // As the login: a dump reads past row-level security and a restore creates the schema, which
    // dtrag_app may not (a DBA operation, like migrating).
    let pool = db::connect_login(&url, password.as_deref(), 2).await?;
    Ok((pool, Client::new(&url, password.as_deref(), &bindir)))
}

fn known_versions() -> Vec<i64> {
    migrate::MIGRATOR
        .iter()
        .filter(|m| !m.migration_type.is_down_migration())
        .map(|m| m.version)
        .collect()
}

/// The highest migration this build knows.
pub fn known_level() -> i64 {
    known_versions().into_iter().max().unwrap_or(0)
}

/// A new database's name: lower-case letters, digits and `_`, starting with a letter.
fn check_database_name(name: &str) -> Result<()> {
    let ok = (1..=63).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(Error::Invalid(format!(
            "{name:?} is not a database name this restore creates: use lower-case letters, digits \
             and `_`, starting with a letter (at most 63)"
        )))
    }
}

/// `url` with its database (the path) replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_is_replaced_in_a_url() {
        assert_eq!(
            with_database("postgres://u@h/db?host=/s&port=5", "new"),
            "postgres://u@h/new?host=/s&port=5"
        );
        assert_eq!(with_database("postgres://u@h", "n"), "postgres://u@h/n");
        assert!(check_database_name("dtrag_restored_1").is_ok());
        assert!(check_database_name("Bad-Name").is_err());
    }
}
