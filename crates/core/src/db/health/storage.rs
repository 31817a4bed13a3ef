//! Sizes: the database, each table with its indexes and vacuum state, and each vector index
//! against `shared_buffers` (pgvector's first rule: keep the HNSW index in memory).

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;

use crate::error::Result;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DatabaseSize {
    pub name: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub bytes: i64,
    /// The highest migration applied.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub migration_level: i64,
}

pub async fn database(pool: &PgPool) -> Result<DatabaseSize> {
    let (name, bytes, migration_level): (String, i64, Option<i64>) = sqlx::query_as(
        "SELECT current_database()::text, pg_database_size(current_database()),
                (SELECT max(version) FROM _sqlx_migrations WHERE success)",
    )
    .fetch_one(pool)
    .await?;
    Ok(DatabaseSize {
        name,
        bytes,
        migration_level: migration_level.unwrap_or(0),
    })
}

pub async fn shared_buffers_bytes(pool: &PgPool) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT setting::int8 * pg_size_bytes(coalesce(unit, '1'))
         FROM pg_settings WHERE name = 'shared_buffers'",
    )
    .fetch_one(pool)
    .await?)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TableHealth {
    pub name: String,
    /// The planner's estimate of live rows (`n_live_tup`), not a count.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub live_rows: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub dead_rows: i64,
    /// The table, its TOAST and its indexes.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub total_bytes: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub index_bytes: i64,
    /// The later of the last manual and the last automatic vacuum.
    pub last_vacuum: Option<DateTime<Utc>>,
    /// The later of the last manual and the last automatic analyze.
    pub last_analyze: Option<DateTime<Utc>>,
}

pub async fn tables(pool: &PgPool) -> Result<Vec<TableHealth>> {
    Ok(sqlx::query_as(
        "SELECT s.relname::text AS name, s.n_live_tup AS live_rows, s.n_dead_tup AS dead_rows,
                pg_total_relation_size(s.relid) AS total_bytes,
                pg_indexes_size(s.relid) AS index_bytes,
                greatest(s.last_vacuum, s.last_autovacuum) AS last_vacuum,
                greatest(s.last_analyze, s.last_autoanalyze) AS last_analyze
         FROM pg_stat_user_tables s
         WHERE s.schemaname = 'public'
         ORDER BY total_bytes DESC, name",
    )
    .fetch_all(pool)
    .await?)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VectorIndex {
    pub name: String,
    pub table: String,
    /// `hnsw` or `ivfflat`.
    pub method: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub bytes: i64,
    /// Whether it fits in `shared_buffers` on its own.
    pub fits_in_shared_buffers: bool,
}

pub async fn vector_indexes(pool: &PgPool, shared_buffers: i64) -> Result<Vec<VectorIndex>> {
    Ok(sqlx::query_as(
        "SELECT c.relname::text AS name, t.relname::text AS table, am.amname::text AS method,
                pg_relation_size(c.oid) AS bytes,
                pg_relation_size(c.oid) <= $1 AS fits_in_shared_buffers
         FROM pg_index i
         JOIN pg_class c ON c.oid = i.indexrelid
         JOIN pg_class t ON t.oid = i.indrelid
         JOIN pg_am am ON am.oid = c.relam
         WHERE am.amname IN ('hnsw', 'ivfflat') AND c.relnamespace = 'public'::regnamespace
         ORDER BY bytes DESC, name",
    )
    .bind(shared_buffers)
    .fetch_all(pool)
    .await?)
}
