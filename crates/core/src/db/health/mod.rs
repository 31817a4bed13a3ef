//! The database's health (issue 11, part 6; the original brief's "monitoring and slow query
//! analysis"): what the server is, how big things are, whether the vector indexes fit in memory,
//! how many connections are in use, the slowest statements, tables that need a vacuum, and how
//! old the last backup is — read-only, as `dtrag_app`, from the statistics views PostgreSQL keeps
//! anyway. [`advice`] turns the figures into warnings that name the setting to change.

pub mod advice;
mod server;
pub mod statements;
mod storage;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;

use super::backup::log::{self as backup_log, BackupRecord};
use crate::error::Result;

pub use advice::Warning;
pub use server::{Connections, Extension, Server, Setting, StateCount};
pub use statements::{Statement, StatementStats, StatementsStatus};
pub use storage::{DatabaseSize, TableHealth, VectorIndex};

/// Everything `dtrag db health` and the app's Health panel show.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Health {
    pub checked_at: DateTime<Utc>,
    pub server: Server,
    pub database: DatabaseSize,
    pub connections: Connections,
    /// `shared_buffers` in bytes: what the vector indexes are compared with.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub shared_buffers_bytes: i64,
    pub vector_indexes: Vec<VectorIndex>,
    /// Every table of the schema, largest first.
    pub tables: Vec<TableHealth>,
    pub statements: StatementStats,
    pub last_backup: Option<BackupRecord>,
    /// Seconds since [`Health::last_backup`] was taken.
    pub last_backup_age_s: Option<f64>,
    /// What needs attention, most important first; empty when all is well.
    pub warnings: Vec<Warning>,
}

/// How many of the slowest statements a report lists unless asked otherwise.
pub const DEFAULT_STATEMENTS: u32 = 10;

/// Gathers the report; `statements` is how many of the slowest statements to list. `embedded`
/// says whether the server is the app's own cluster (the advice on settings differs).
pub async fn check(pool: &PgPool, statements: u32, embedded: bool) -> Result<Health> {
    let checked_at: DateTime<Utc> = sqlx::query_scalar("SELECT now()").fetch_one(pool).await?;
    let server = server::server(pool).await?;
    let connections = server::connections(pool).await?;
    let database = storage::database(pool).await?;
    let shared_buffers_bytes = storage::shared_buffers_bytes(pool).await?;
    let vector_indexes = storage::vector_indexes(pool, shared_buffers_bytes).await?;
    let tables = storage::tables(pool).await?;
    let statements = statements::slowest(pool, statements).await?;
    let last_backup = backup_log::latest(pool).await?;
    let last_backup_age_s = last_backup
        .as_ref()
        .map(|b| (checked_at - b.taken_at).num_milliseconds() as f64 / 1e3);
    let mut health = Health {
        checked_at,
        server,
        database,
        connections,
        shared_buffers_bytes,
        vector_indexes,
        tables,
        statements,
        last_backup,
        last_backup_age_s,
        warnings: Vec::new(),
    };
    health.warnings = advice::warnings(&health, embedded);
    Ok(health)
}
