//! Opening a pool when the server may be full: sqlx already retries "too many clients"
//! (SQLSTATE 53300) with backoff until the acquire timeout; what it then reports, "pool timed
//! out", does not say why. One more attempt tells a full server (a typed busy error, with how
//! long we waited) from one that is down or refusing us (that error, as it is).

use std::time::{Duration, Instant};

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, PgPool};

use crate::error::{Error, Result};

/// SQLSTATE too_many_connections: the server's, a database's or a role's connection limit.
pub const TOO_MANY_CONNECTIONS: &str = "53300";

/// A pool of up to `max` connections on `options`, its first connection opened within `wait`.
pub async fn open_pool(options: PgConnectOptions, max: u32, wait: Duration) -> Result<PgPool> {
    let started = Instant::now();
    let result = PgPoolOptions::new()
        .max_connections(max)
        .acquire_timeout(wait)
        .connect_with(options.clone())
        .await;
    match result {
        Ok(pool) => Ok(pool),
        Err(sqlx::Error::PoolTimedOut) => Err(why_timed_out(&options, started.elapsed()).await),
        Err(e) => Err(e.into()),
    }
}

/// After a timed-out open: asks the server once more, so the error names the real cause.
async fn why_timed_out(options: &PgConnectOptions, waited: Duration) -> Error {
    let busy = |reason: String| Error::ServerBusy {
        waited_ms: waited.as_millis() as u64,
        reason,
    };
    match options.connect().await {
        Err(sqlx::Error::Database(d)) if d.code().as_deref() == Some(TOO_MANY_CONNECTIONS) => {
            busy(d.message().to_string())
        }
        Err(e) => e.into(),
        Ok(conn) => {
            let _ = conn.close().await;
            busy("no connection was admitted while we waited (one came free just after)".into())
        }
    }
}
