//! The record of backups taken (`backup_log`, migration 0018): one row per completed backup,
//! written after its dump, read by the health report ("age of the last backup").

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;

use super::BackupReport;
use crate::error::Result;

/// One backup, as the database remembers it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BackupRecord {
    pub taken_at: DateTime<Utc>,
    pub taken_by: String,
    /// Where the dump was written (on the machine that took it).
    pub file: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub bytes: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub migration_level: i64,
    pub fingerprint: String,
    pub app_version: String,
}

/// Whether the database has the table yet: `db migrate` backs up before migrating, and a
/// database below 0018 has nowhere to record it.
async fn has_log(pool: &PgPool) -> Result<bool> {
    Ok(
        sqlx::query_scalar("SELECT to_regclass('public.backup_log') IS NOT NULL")
            .fetch_one(pool)
            .await?,
    )
}

/// Records a completed backup; `false` when the database predates the record (nothing written).
pub async fn record(pool: &PgPool, report: &BackupReport, taken_by: &str) -> Result<bool> {
    if !has_log(pool).await? {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO backup_log (taken_by, file, bytes, migration_level, fingerprint, app_version)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(taken_by)
    .bind(report.file.display().to_string())
    .bind(i64::try_from(report.bytes).unwrap_or(i64::MAX))
    .bind(report.manifest.migration_level)
    .bind(&report.manifest.fingerprint)
    .bind(&report.manifest.app_version)
    .execute(pool)
    .await?;
    Ok(true)
}

/// The most recent backup of this database, if any was recorded.
pub async fn latest(pool: &PgPool) -> Result<Option<BackupRecord>> {
    if !has_log(pool).await? {
        return Ok(None);
    }
    Ok(sqlx::query_as(
        "SELECT taken_at, taken_by, file, bytes, migration_level, fingerprint, app_version
         FROM backup_log ORDER BY taken_at DESC, id DESC LIMIT 1",
    )
    .fetch_optional(pool)
    .await?)
}
