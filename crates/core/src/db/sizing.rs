//! How many connections everything may use, in one place: the embedded cluster's server settings
//! and how long a client waits for a connection before it is told the database is busy.
//!
//! The budget (docs/architecture.md, "Connections under load"): 256 concurrent clients of two
//! connections each (`dtrag bench load --clients 256`: 512), a desktop app's pool, a burst of
//! short CLI processes,
//! and the superuser's reserved slots fit under [`MAX_CONNECTIONS`]. A client beyond it waits up
//! to [`CONNECT_WAIT`] for a slot and then gets [`crate::Error::ServerBusy`], never a hang.

use std::time::Duration;

/// The embedded server's `max_connections`. Each idle backend costs a few MB; on two cores more
/// than ~2 per core run at once anyway, so the limit is about admitting clients, not speed.
pub const MAX_CONNECTIONS: u32 = 600;

/// The embedded server's `shared_buffers`: the HNSW index of the 117k WordNet glosses (~180 MB)
/// and the hot taxonomy tables stay in memory.
pub const SHARED_BUFFERS: &str = "512MB";

/// How long opening a connection waits for the server to admit it (SQLSTATE 53300, "too many
/// clients") or a pool to hand one out, before the error says the database is busy.
pub const CONNECT_WAIT: Duration = Duration::from_secs(15);

/// `-c` options for `pg_ctl start -o`: they override postgresql.conf, so clusters made by older
/// builds get the current sizing at their next start too.
pub fn server_options() -> String {
    format!("-c max_connections={MAX_CONNECTIONS} -c shared_buffers={SHARED_BUFFERS}")
}
