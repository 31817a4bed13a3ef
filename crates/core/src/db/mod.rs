//! Connections, migrations and the embedded local PostgreSQL.

pub mod backup;
pub mod busy;
pub mod embedded;
pub mod fingerprint;
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

/// Opens a pool on `url`. `max_connections` is small for the CLI and larger for the desktop app.
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
    // JIT compilation pays off for long analytic queries, not for ours: it added 0.3-0.7 s to
    // millisecond BM25 queries whenever an estimate crossed `jit_above_cost`.
    let mut options = PgConnectOptions::from_str(url)?
        .application_name("dtrag")
        .options([("jit", "off")]);
    if let Some(p) = password {
        options = options.password(p);
    }
    busy::open_pool(options, max_connections, wait).await
}
