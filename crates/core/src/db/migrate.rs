//! Reversible sqlx migrations (`migrations/NNNN_name.up.sql` / `.down.sql`), embedded in the binary.
//!
//! Every migration sets `lock_timeout` and `statement_timeout` itself (a test checks it), so a
//! migration that waits on a busy table fails fast instead of blocking the application.

use serde::Serialize;
use sqlx::migrate::{Migrate, Migrator};
use sqlx::{Connection, PgPool};

use crate::error::{Error, Result};

pub static MIGRATOR: Migrator = sqlx::migrate!("../../migrations");

/// One migration step that was (or, in a dry run, would have been) applied or reverted.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub version: i64,
    pub description: String,
    pub direction: &'static str,
    pub dry_run: bool,
    /// The SQL that ran; filled in for dry runs so the operator can read it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sql: Option<String>,
}

/// The migrations already applied to the database, in order.
pub async fn applied_versions(pool: &PgPool) -> Result<Vec<i64>> {
    let mut conn = pool.acquire().await?;
    conn.ensure_migrations_table().await?;
    let mut versions: Vec<i64> = conn
        .list_applied_migrations()
        .await?
        .into_iter()
        .map(|m| m.version)
        .collect();
    versions.sort_unstable();
    Ok(versions)
}

fn up_migrations() -> impl Iterator<Item = &'static sqlx::migrate::Migration> {
    MIGRATOR
        .iter()
        .filter(|m| !m.migration_type.is_down_migration())
}

/// Applies every pending migration. With `dry_run`, each pending migration runs inside a
/// transaction that is rolled back, and the SQL is returned for reading.
pub async fn migrate(pool: &PgPool, dry_run: bool) -> Result<Vec<Step>> {
    let applied = applied_versions(pool).await?;
    let pending: Vec<_> = up_migrations()
        .filter(|m| !applied.contains(&m.version))
        .collect();
    if dry_run {
        let mut steps = Vec::new();
        let mut conn = pool.acquire().await?;
        let mut tx = conn.begin().await?;
        // Run the pending migrations one after another in one transaction (later ones may depend
        // on earlier ones), then throw all of it away.
        for m in &pending {
            run_script(&mut tx, &m.sql).await?;
            steps.push(step(m, "up", true));
        }
        tx.rollback().await?;
        return Ok(steps);
    }
    MIGRATOR.run(pool).await?;
    Ok(pending.into_iter().map(|m| step(m, "up", false)).collect())
}

/// Reverts the latest applied migration (one step). Returns `None` when nothing is applied.
pub async fn revert_one(pool: &PgPool, dry_run: bool) -> Result<Option<Step>> {
    let applied = applied_versions(pool).await?;
    let Some(&latest) = applied.last() else {
        return Ok(None);
    };
    let down = MIGRATOR
        .iter()
        .find(|m| m.version == latest && m.migration_type.is_down_migration())
        .ok_or_else(|| {
            Error::Invalid(format!(
                "migration {latest} has no down migration in this build"
            ))
        })?;
    if dry_run {
        let mut conn = pool.acquire().await?;
        let mut tx = conn.begin().await?;
        run_script(&mut tx, &down.sql).await?;
        tx.rollback().await?;
        return Ok(Some(step(down, "down", true)));
    }
    let target = applied.iter().rev().nth(1).copied().unwrap_or(0);
    MIGRATOR.undo(pool, target).await?;
    Ok(Some(step(down, "down", false)))
}

/// Reverts every applied migration.
pub async fn revert_all(pool: &PgPool) -> Result<Vec<Step>> {
    let mut steps = Vec::new();
    while let Some(s) = revert_one(pool, false).await? {
        steps.push(s);
    }
    Ok(steps)
}

/// Runs a multi-statement SQL script (the simple query protocol: a `&str` without arguments).
/// Not `sqlx::raw_sql(..).execute(..)`: its future is not `Send` for every lifetime, which the
/// desktop shell's command handlers require.
async fn run_script(tx: &mut sqlx::PgTransaction<'_>, sql: &str) -> Result<()> {
    sqlx::Executor::execute(&mut **tx, sql).await?;
    Ok(())
}

fn step(m: &sqlx::migrate::Migration, direction: &'static str, dry_run: bool) -> Step {
    Step {
        version: m.version,
        description: m.description.to_string(),
        direction,
        dry_run,
        sql: dry_run.then(|| m.sql.to_string()),
    }
}
