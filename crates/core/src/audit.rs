//! The append-only audit log: who did what, when. Entries are written in the same transaction as
//! the change they describe, so there is no change without its entry and no entry without its
//! change. The table refuses UPDATE, DELETE and TRUNCATE (a trigger in the migration).

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgConnection;

use crate::error::Result;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub version: Option<i64>,
    pub details: serde_json::Value,
}

pub async fn record(
    conn: &mut PgConnection,
    actor: &str,
    action: &str,
    version: Option<i64>,
    details: serde_json::Value,
) -> Result<()> {
    sqlx::query("INSERT INTO audit_log (actor, action, version, details) VALUES ($1, $2, $3, $4)")
        .bind(actor)
        .bind(action)
        .bind(version)
        .bind(details)
        .execute(conn)
        .await?;
    Ok(())
}

/// Which entries to list; every field narrows the result.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    /// Prefix of the action, e.g. `taxonomy.` or `taxonomy.rollback`.
    pub action: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub limit: i64,
}

/// Entries, newest first.
pub async fn list(conn: &mut PgConnection, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
    let rows = sqlx::query_as::<_, AuditEntry>(
        "SELECT id, at, actor, action, version, details FROM audit_log
         WHERE ($1::text IS NULL OR actor = $1)
           AND ($2::text IS NULL OR starts_with(action, $2))
           AND ($3::timestamptz IS NULL OR at >= $3)
         ORDER BY id DESC LIMIT $4",
    )
    .bind(&filter.actor)
    .bind(&filter.action)
    .bind(filter.since)
    .bind(if filter.limit > 0 {
        filter.limit
    } else {
        i64::MAX
    })
    .fetch_all(conn)
    .await?;
    Ok(rows)
}
