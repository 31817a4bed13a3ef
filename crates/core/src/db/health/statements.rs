//! The slowest statements, from `pg_stat_statements`. The embedded cluster loads the module at
//! every start (`db::sizing`) and [`enable`] creates the extension after migrating; on a server
//! by URL it is the DBA's choice, and the report says what is missing instead of failing.

use serde::Serialize;
use sqlx::PgPool;

use crate::error::{Error, Result};

/// Whether the statistics could be read, and if not, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum StatementsStatus {
    Enabled,
    /// The extension is not created in this database.
    NotInstalled,
    /// Created, but the server was not started with it in `shared_preload_libraries`.
    NotLoaded,
    /// This role may not read the view.
    NoAccess,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StatementStats {
    pub status: StatementsStatus,
    /// What to do when the status is not `enabled`.
    pub message: Option<String>,
    /// This database's statements, slowest mean first.
    pub slowest: Vec<Statement>,
    /// Of those, how many hide their text (another role's statements, `dtrag_owner` lacking
    /// `pg_read_all_stats`).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub hidden: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Statement {
    /// Normalised text (constants replaced by `$n`), shortened to [`QUERY_CHARS`] characters.
    pub query: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub calls: i64,
    pub mean_ms: f64,
    pub max_ms: f64,
    pub total_ms: f64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub rows: i64,
}

/// How much of each statement's text a report carries.
pub const QUERY_CHARS: i32 = 400;

/// What a DBA does to turn the statistics on (the report's message when they are off).
pub const HOW_TO_ENABLE: &str = "add pg_stat_statements to shared_preload_libraries, restart the \
     server, then CREATE EXTENSION pg_stat_statements in this database and GRANT \
     pg_read_all_stats TO dtrag_owner";

/// The `n` slowest statements of this database by mean execution time (through the definer
/// function of migration 0018, which may read every role's statistics).
pub async fn slowest(pool: &PgPool, n: u32) -> Result<StatementStats> {
    let rows: std::result::Result<Vec<Statement>, sqlx::Error> = sqlx::query_as(
        "SELECT query, calls, mean_ms, max_ms, total_ms, rows
         FROM dtrag_slowest_statements($1, $2)",
    )
    .bind(i32::try_from(n).unwrap_or(i32::MAX))
    .bind(QUERY_CHARS)
    .fetch_all(pool)
    .await;
    match rows {
        Ok(slowest) => {
            let hidden = slowest
                .iter()
                .filter(|s| s.query == "<insufficient privilege>")
                .count() as i64;
            let message = (hidden > 0).then(|| {
                format!(
                    "{hidden} statement(s) of other roles hide their text: \
                     GRANT pg_read_all_stats TO dtrag_owner"
                )
            });
            Ok(StatementStats {
                status: StatementsStatus::Enabled,
                message,
                slowest,
                hidden,
            })
        }
        Err(sqlx::Error::Database(d)) if d.code().as_deref() == Some("42704") => {
            Ok(off(StatementsStatus::NotInstalled, HOW_TO_ENABLE.into()))
        }
        Err(sqlx::Error::Database(d)) if d.code().as_deref() == Some("55000") => Ok(off(
            StatementsStatus::NotLoaded,
            format!("pg_stat_statements is not loaded: {HOW_TO_ENABLE}"),
        )),
        Err(sqlx::Error::Database(d)) if d.code().as_deref() == Some("42501") => Ok(off(
            StatementsStatus::NoAccess,
            "this role may not read pg_stat_statements: GRANT pg_read_all_stats TO dtrag_owner"
                .into(),
        )),
        Err(e) => Err(Error::Db(e)),
    }
}

fn off(status: StatementsStatus, message: String) -> StatementStats {
    StatementStats {
        status,
        message: Some(message),
        slowest: Vec::new(),
        hidden: 0,
    }
}

/// On the embedded cluster, as its superuser after migrating: creates the extension and lets
/// the health report's definer functions (owned by `dtrag_owner`) read every role's statistics
/// (`pg_read_all_stats`, PostgreSQL's read-only monitoring role: migrations, agents and the app
/// run as different roles). Best effort: a server
/// without the module still works, and the health report says what is missing.
pub async fn enable(login: &PgPool) {
    for sql in [
        "CREATE EXTENSION IF NOT EXISTS pg_stat_statements",
        // The extension grants its views and functions to PUBLIC: an agent's login could then
        // read every role's call counts, rows and timings. Only the definer functions' owner
        // reads them.
        "REVOKE ALL ON pg_stat_statements, pg_stat_statements_info FROM PUBLIC",
        "REVOKE ALL ON FUNCTION pg_stat_statements(boolean), pg_stat_statements_info() FROM PUBLIC",
        "GRANT SELECT ON pg_stat_statements, pg_stat_statements_info TO dtrag_owner",
        "GRANT EXECUTE ON FUNCTION pg_stat_statements(boolean), pg_stat_statements_info() \
         TO dtrag_owner",
        "GRANT pg_read_all_stats TO dtrag_owner",
    ] {
        if let Err(e) = sqlx::query(sql).execute(login).await {
            tracing::warn!(error = %e, sql, "could not enable the statement statistics");
            return;
        }
    }
}
