//! Reversible sqlx migrations (`migrations/NNNN_name.up.sql` / `.down.sql`), embedded in the binary.
//!
//! Every migration sets `lock_timeout` and `statement_timeout` itself (a test checks it), so a
//! migration that waits on a busy table fails fast instead of blocking the application.
//!
//! Who runs them: the pool given here works as the login (never as `dtrag_app`, which may not run
//! DDL). Migrations up to [`OWNER_FROM`] run as the login, which then owns what they create;
//! [`OWNER_FROM`] hands every object to `dtrag_owner`, and every later migration runs after
//! `SET ROLE dtrag_owner`, so the schema keeps one owner.

use serde::Serialize;
use std::borrow::Cow;

use sqlx::migrate::Migrator;
use sqlx::{Connection, PgConnection, PgPool};

use super::OWNER_ROLE;
use crate::error::{Error, Result};

pub static MIGRATOR: Migrator = sqlx::migrate!("../../migrations");

/// The migration that creates `dtrag_owner` and hands it the schema (least privilege).
pub const OWNER_FROM: i64 = 16;

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
/// Reads only: works as `dtrag_app` too (which may not create the bookkeeping table).
pub async fn applied_versions(pool: &PgPool) -> Result<Vec<i64>> {
    let mut conn = pool.acquire().await?;
    applied_on(&mut conn).await
}

async fn applied_on(conn: &mut PgConnection) -> Result<Vec<i64>> {
    let exists: bool = sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
        .fetch_one(&mut *conn)
        .await?;
    if !exists {
        return Ok(Vec::new());
    }
    Ok(
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations ORDER BY version")
            .fetch_all(&mut *conn)
            .await?,
    )
}

/// A migrator of the migrations on one side of [`OWNER_FROM`]; the rest count as known.
fn part(owner: bool) -> Migrator {
    Migrator {
        migrations: Cow::Owned(
            MIGRATOR
                .iter()
                .filter(|m| (m.version > OWNER_FROM) == owner)
                .cloned()
                .collect(),
        ),
        ignore_missing: true,
        ..Migrator::DEFAULT
    }
}

/// Switches `conn` to `dtrag_owner`; the login must be a member (a superuser is).
async fn become_owner(conn: &mut PgConnection) -> Result<()> {
    let member: bool = sqlx::query_scalar(
        "SELECT to_regrole($1) IS NOT NULL AND pg_has_role(session_user, $1, 'MEMBER')",
    )
    .bind(OWNER_ROLE)
    .fetch_one(&mut *conn)
    .await?;
    if !member {
        return Err(Error::Invalid(format!(
            "migrations after {OWNER_FROM} run as {OWNER_ROLE}: the migrating login must be a \
             member of it (GRANT {OWNER_ROLE} TO <login>)"
        )));
    }
    sqlx::query(&format!("SET ROLE {OWNER_ROLE}"))
        .execute(&mut *conn)
        .await?;
    Ok(())
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
    let mut conn = pool.acquire().await?;
    let result = run_as_their_roles(&mut conn).await;
    // The connection goes back to the pool as the login, whatever happened.
    sqlx::query("RESET ROLE").execute(&mut *conn).await?;
    result?;
    Ok(pending.into_iter().map(|m| step(m, "up", false)).collect())
}

async fn run_as_their_roles(conn: &mut PgConnection) -> Result<()> {
    part(false).run_direct(&mut *conn).await?;
    if part(true).iter().next().is_some() {
        become_owner(&mut *conn).await?;
        part(true).run_direct(&mut *conn).await?;
    }
    Ok(())
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
    let mut conn = pool.acquire().await?;
    let result = async {
        if latest > OWNER_FROM {
            become_owner(&mut conn).await?;
        }
        MIGRATOR.undo(&mut *conn, target).await?;
        Ok::<_, Error>(())
    }
    .await;
    sqlx::query("RESET ROLE").execute(&mut *conn).await?;
    result?;
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
