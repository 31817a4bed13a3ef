//! The server: its version and extensions, the settings that matter for sizing, and the
//! connections in use against `max_connections`.

use serde::Serialize;
use sqlx::PgPool;

use crate::error::Result;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Server {
    /// `server_version`, e.g. "15.10 (Debian 15.10-0+deb12u1)".
    pub version: String,
    pub version_num: i32,
    /// The extensions installed in this database.
    pub extensions: Vec<Extension>,
    /// The settings that size the server, as PostgreSQL shows them.
    pub settings: Vec<Setting>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Extension {
    pub name: String,
    pub version: String,
    /// The version the server's packages offer, when newer than the installed one
    /// (`ALTER EXTENSION … UPDATE` would take it).
    pub update_available: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Setting {
    pub name: String,
    /// As `SHOW` prints it, with its unit ("512MB").
    pub value: String,
    /// Where it comes from (`configuration file`, `command line`, `default`, …).
    pub source: String,
}

/// The settings listed (sizing and the pgvector rules of thumb).
const SETTINGS: &[&str] = &[
    "max_connections",
    "superuser_reserved_connections",
    "shared_buffers",
    "effective_cache_size",
    "work_mem",
    "maintenance_work_mem",
    "max_parallel_maintenance_workers",
    "autovacuum",
];

pub async fn server(pool: &PgPool) -> Result<Server> {
    let (version, version_num): (String, i32) = sqlx::query_as(
        "SELECT current_setting('server_version'), current_setting('server_version_num')::int",
    )
    .fetch_one(pool)
    .await?;
    let extensions = sqlx::query_as(
        "SELECT e.extname::text AS name, e.extversion AS version,
                CASE WHEN a.default_version IS DISTINCT FROM e.extversion
                     THEN a.default_version END AS update_available
         FROM pg_extension e
         LEFT JOIN pg_available_extensions a ON a.name = e.extname
         WHERE e.extname <> 'plpgsql'
         ORDER BY e.extname",
    )
    .fetch_all(pool)
    .await?;
    let settings = sqlx::query_as(
        "SELECT s.name::text AS name, current_setting(s.name) AS value, s.source::text AS source
         FROM pg_settings s WHERE s.name = ANY ($1)
         ORDER BY array_position($1, s.name::text)",
    )
    .bind(SETTINGS)
    .fetch_all(pool)
    .await?;
    Ok(Server {
        version,
        version_num,
        extensions,
        settings,
    })
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Connections {
    /// Client connections open on the whole server, every database (with sessions hidden from
    /// a role without `pg_read_all_stats`, which may include background processes).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub in_use: i64,
    /// Of those, the ones on this database.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub this_database: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub max_connections: i64,
    /// Slots only a superuser may take: ordinary clients get `max - reserved`.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub reserved: i64,
    /// By state (`active`, `idle`, `idle in transaction`, …; `hidden` where this role may not
    /// see another role's session).
    pub by_state: Vec<StateCount>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StateCount {
    pub state: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub count: i64,
}

pub async fn connections(pool: &PgPool) -> Result<Connections> {
    let (max_connections, reserved): (i64, i64) = sqlx::query_as(
        "SELECT current_setting('max_connections')::int8,
                current_setting('superuser_reserved_connections')::int8",
    )
    .fetch_one(pool)
    .await?;
    // Through the definer function of migration 0018: dtrag_app may not see other sessions.
    let rows: Vec<(String, Option<bool>, i64)> =
        sqlx::query_as("SELECT state, on_this_database, n FROM dtrag_client_connections()")
            .fetch_all(pool)
            .await?;
    let mut by_state: Vec<StateCount> = Vec::new();
    for (state, _, n) in &rows {
        match by_state.iter_mut().find(|s| &s.state == state) {
            Some(s) => s.count += n,
            None => by_state.push(StateCount {
                state: state.clone(),
                count: *n,
            }),
        }
    }
    by_state.sort_by(|a, b| b.count.cmp(&a.count).then(a.state.cmp(&b.state)));
    Ok(Connections {
        in_use: rows.iter().map(|r| r.2).sum(),
        this_database: rows.iter().filter(|r| r.1 == Some(true)).map(|r| r.2).sum(),
        max_connections,
        reserved,
        by_state,
    })
}
