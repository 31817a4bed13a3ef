//! Connections, migrations and the embedded local PostgreSQL.

pub mod backup;
pub mod busy;
pub mod embedded;
pub mod fingerprint;
pub mod health;
pub mod migrate;
pub mod open;
pub mod postmaster;
mod service;
pub mod sizing;

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::PgConnectOptions;
use sqlx::PgPool;

use crate::error::Result;

/// The role every connection of the app and CLI works as (migration 0016): DML only, no DDL, the
/// audit log append-only. The login must be a member of it (a superuser is).
pub const APP_ROLE: &str = "dtrag_app";

/// The role that owns the schema; migrations from 0016 on run as it.
pub const OWNER_ROLE: &str = "dtrag_owner";

/// Opens a pool on `url` working as [`APP_ROLE`]. `max_connections` is small for the CLI and
/// larger for the desktop app.
pub async fn connect(url: &str, max_connections: u32) -> Result<PgPool> {
    connect_with_password(url, None, max_connections).await
}

/// Like [`connect`], with a password given apart from the URL.
pub async fn connect_with_password(
    url: &str,
    password: Option<&str>,
    max_connections: u32,
) -> Result<PgPool> {
    connect_waiting(url, password, max_connections, sizing::CONNECT_WAIT).await
}

/// Like [`connect_with_password`], waiting up to `wait` for the server to admit the first
/// connection (and for later acquisitions); then [`crate::Error::ServerBusy`] when it is full.
pub async fn connect_waiting(
    url: &str,
    password: Option<&str>,
    max_connections: u32,
    wait: Duration,
) -> Result<PgPool> {
    // The role is a startup parameter (`-c role=dtrag_app`), not an `after_connect` SET ROLE: no
    // extra round trip per connection, and `RESET ROLE` (after an agent's `SET LOCAL ROLE`)
    // returns to it rather than to the login.
    let options = options(url, password)?.options([("role", APP_ROLE)]);
    busy::open_pool(options, max_connections, wait)
        .await
        .map_err(app_role_missing)
}

/// A pool working as the login itself, for what only the owner or a DBA does: migrations (which
/// switch to [`OWNER_ROLE`] themselves), backups and restores.
pub async fn connect_login(
    url: &str,
    password: Option<&str>,
    max_connections: u32,
) -> Result<PgPool> {
    busy::open_pool(
        options(url, password)?,
        max_connections,
        sizing::CONNECT_WAIT,
    )
    .await
}

/// A login that may not work as the app role (or a server without it) gets the grant it needs.
fn app_role_missing(e: crate::Error) -> crate::Error {
    match &e {
        crate::Error::Db(sqlx::Error::Database(d))
            if d.message().contains(APP_ROLE) || d.code().as_deref() == Some("42501") =>
        {
            crate::Error::Invalid(format!(
                "cannot work as the role {APP_ROLE} ({}): migrate the database \
                 (`dtrag db migrate`, migration 0016 creates it) and have the DBA run \
                 `GRANT {APP_ROLE} TO <login>`",
                d.message()
            ))
        }
        _ => e,
    }
}

fn options(url: &str, password: Option<&str>) -> Result<PgConnectOptions> {
    // JIT compilation pays off for long analytic queries, not for ours: it added 0.3-0.7 s to
    // millisecond BM25 queries whenever an estimate crossed `jit_above_cost`.
    let mut options = PgConnectOptions::from_str(url)?
        .application_name("dtrag")
        .options([("jit", "off")]);
    if let Some(p) = password {
        options = options.password(p);
    }
    Ok(options)
}
