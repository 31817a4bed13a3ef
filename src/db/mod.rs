//! Connections, migrations and the embedded local PostgreSQL.

pub mod embedded;
pub mod migrate;
pub mod open;

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;

use crate::error::Result;

/// Opens a pool on `url`. `max_connections` is small for the CLI and larger for the desktop app.
pub async fn connect(url: &str, max_connections: u32) -> Result<PgPool> {
    let options = PgConnectOptions::from_str(url)?.application_name("dtrag");
    let pool = PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(15))
        .connect_with(options)
        .await?;
    Ok(pool)
}
