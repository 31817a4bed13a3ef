//! Golden sets kept by name (so a run can be repeated, from the CLI or the app), and the last
//! result of each set per agent (or none) and taxonomy version. Saving a set is audited.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{PgConnection, PgPool};

use super::{EvalReport, GoldenQuery};
use crate::error::{Error, Result};

/// A stored set as a list shows it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GoldenSetSummary {
    pub name: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub queries: i64,
    pub created_by: String,
    pub updated_at: DateTime<Utc>,
}

/// The rule for set names (also a CHECK in the table).
pub fn check_name(name: &str) -> Result<()> {
    crate::limits::check_plain_name("golden set name", name, 100)
}

/// Stores `queries` as the set `name` (replacing its queries when it exists); returns its id.
pub async fn save_set(
    conn: &mut PgConnection,
    name: &str,
    queries: &[GoldenQuery],
    author: &str,
) -> Result<i64> {
    check_name(name)?;
    let json = serde_json::to_value(queries)
        .map_err(|e| Error::Internal(format!("golden set to JSON: {e}")))?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO golden_set (name, queries, created_by) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO UPDATE SET queries = excluded.queries, updated_at = now()
         RETURNING id",
    )
    .bind(name)
    .bind(&json)
    .bind(author)
    .fetch_one(&mut *conn)
    .await?;
    crate::audit::record(
        conn,
        author,
        "eval.set.save",
        None,
        serde_json::json!({"name": name, "queries": queries.len()}),
    )
    .await?;
    Ok(id)
}

/// The set `name`: its id and queries.
pub async fn get_set(conn: &mut PgConnection, name: &str) -> Result<(i64, Vec<GoldenQuery>)> {
    let (id, json): (i64, serde_json::Value) =
        sqlx::query_as("SELECT id, queries FROM golden_set WHERE name = $1")
            .bind(name)
            .fetch_optional(conn)
            .await?
            .ok_or_else(|| Error::NotFound {
                what: "golden set",
                name: name.to_string(),
                hint: " (`dtrag eval sets` lists them)".into(),
            })?;
    let queries = serde_json::from_value(json)
        .map_err(|e| Error::Internal(format!("golden set {name:?} as stored: {e}")))?;
    Ok((id, queries))
}

pub async fn list_sets(pool: &PgPool) -> Result<Vec<GoldenSetSummary>> {
    Ok(sqlx::query_as(
        "SELECT name, jsonb_array_length(queries)::int8 AS queries, created_by, updated_at
         FROM golden_set ORDER BY name",
    )
    .fetch_all(pool)
    .await?)
}

/// Removes the set and its results.
pub async fn remove_set(pool: &PgPool, name: &str, author: &str) -> Result<()> {
    let mut tx = pool.begin().await?;
    let n = sqlx::query("DELETE FROM golden_set WHERE name = $1")
        .bind(name)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(Error::not_found("golden set", name));
    }
    crate::audit::record(
        &mut tx,
        author,
        "eval.set.remove",
        None,
        serde_json::json!({ "name": name }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn agent_id(conn: &mut PgConnection, agent: Option<&str>) -> Result<Option<i64>> {
    match agent {
        None => Ok(None),
        Some(a) => sqlx::query_scalar("SELECT id FROM agent WHERE name = $1")
            .bind(a)
            .fetch_optional(conn)
            .await?
            .map(Some)
            .ok_or_else(|| Error::not_found("agent", a)),
    }
}

/// Keeps `report` as the last result of the set for its agent and version.
pub async fn save_result(
    conn: &mut PgConnection,
    set_id: i64,
    report: &EvalReport,
    author: &str,
) -> Result<()> {
    let agent = agent_id(&mut *conn, report.agent.as_deref()).await?;
    let json = serde_json::to_value(report)
        .map_err(|e| Error::Internal(format!("eval report to JSON: {e}")))?;
    sqlx::query(
        "INSERT INTO eval_result (golden_set_id, agent_id, taxonomy_version, report, run_by)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT ON CONSTRAINT eval_result_one DO UPDATE SET
             report = excluded.report, run_by = excluded.run_by, run_at = now()",
    )
    .bind(set_id)
    .bind(agent)
    .bind(report.version)
    .bind(&json)
    .bind(author)
    .execute(conn)
    .await?;
    Ok(())
}

/// The last result of the set for the agent (or the owner) at `version`, or at any version
/// when none is given (the most recent run).
pub async fn last_result(
    pool: &PgPool,
    set: &str,
    agent: Option<&str>,
    version: Option<i64>,
) -> Result<Option<EvalReport>> {
    let mut conn = pool.acquire().await?;
    let (set_id, _) = get_set(&mut conn, set).await?;
    let agent = agent_id(&mut conn, agent).await?;
    let json: Option<serde_json::Value> = sqlx::query_scalar(
        "SELECT report FROM eval_result
         WHERE golden_set_id = $1 AND agent_id IS NOT DISTINCT FROM $2
           AND ($3::int8 IS NULL OR taxonomy_version = $3)
         ORDER BY run_at DESC LIMIT 1",
    )
    .bind(set_id)
    .bind(agent)
    .bind(version)
    .fetch_optional(&mut *conn)
    .await?;
    json.map(|j| {
        serde_json::from_value(j).map_err(|e| Error::Internal(format!("stored eval report: {e}")))
    })
    .transpose()
}
