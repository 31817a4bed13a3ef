//! The database itself: which one ([`target`]), the embedded cluster's lifecycle, migrations.

use serde::Serialize;
use sqlx::PgPool;

use dtrag_core::db;
use dtrag_core::db::embedded::{EmbeddedCluster, Status};
use dtrag_core::db::health::Health;
use dtrag_core::db::migrate::{self, Step};
use dtrag_core::{Error, Result};

pub use dtrag_core::db::open::Target;

use crate::config::Config;

/// The embedded cluster the configuration names.
pub fn cluster(config: &Config) -> EmbeddedCluster {
    EmbeddedCluster::new(&config.data_dir).with_bindir(config.pg_bindir.clone())
}

/// A server by URL (with a password kept apart from it), else the embedded cluster.
pub fn target(url: Option<String>, password: Option<String>, config: &Config) -> Target {
    match url.filter(|u| !u.trim().is_empty()) {
        Some(url) => Target::Url { url, password },
        None => Target::Embedded(cluster(config)),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Started {
    pub url: String,
    pub migrations_applied: Vec<Step>,
    /// The server was not running and was launched by this start.
    pub launched: bool,
    /// The server had crashed; it was restarted and recovered (every committed transaction kept,
    /// every interrupted one rolled back).
    pub recovered: bool,
}

/// Starts (or reuses) the embedded cluster and applies pending migrations. Returns once the
/// server accepts connections, also right after a crash.
pub async fn start(config: &Config) -> Result<Started> {
    let started = cluster(config).start_detailed().await?;
    let pool = db::connect_login(&started.url, None, 2).await?;
    let migrations_applied = db::open::prepare_embedded(&pool).await;
    pool.close().await;
    let migrations_applied = migrations_applied?;
    Ok(Started {
        url: started.url,
        migrations_applied,
        launched: started.launched,
        recovered: started.recovered,
    })
}

/// The message a face shows after opening a database whose server had crashed.
pub const RECOVERED_NOTICE: &str = "the embedded database had stopped without shutting down \
     (a crash or a kill); it was restarted and recovered: committed work is kept, work that was \
     interrupted was rolled back";

/// Stops the embedded cluster; `false` when it was not running.
pub async fn stop(config: &Config) -> Result<bool> {
    cluster(config).stop().await
}

pub async fn status(config: &Config) -> Result<Status> {
    cluster(config).status().await
}

/// Applies pending migrations to the target (dry run: in a transaction rolled back).
pub async fn migrate(target: &Target, dry_run: bool) -> Result<Vec<Step>> {
    let pool = connect_for_migrations(target).await?;
    let steps = migrate::migrate(&pool, dry_run).await;
    pool.close().await;
    steps
}

/// Reverts the latest migration of the target.
pub async fn revert(target: &Target, dry_run: bool) -> Result<Option<Step>> {
    let pool = connect_for_migrations(target).await?;
    let step = migrate::revert_one(&pool, dry_run).await;
    pool.close().await;
    step
}

/// A pool for migrating, as the login (migrations switch to dtrag_owner themselves): unlike
/// [`crate::Handle::open`], pending migrations are not an error.
async fn connect_for_migrations(target: &Target) -> Result<PgPool> {
    match target {
        Target::Url { url, password } => db::connect_login(url, password.as_deref(), 2).await,
        Target::Embedded(cluster) => {
            let url = cluster.start().await?;
            db::connect_login(&url, None, 2).await
        }
    }
}

/// Refuses to manage the embedded cluster when the face was given a server by URL.
pub fn refuse_url_for_cluster(target: &Target) -> Result<()> {
    match target {
        Target::Url { .. } => Err(Error::Invalid(
            "`db start` manages the embedded database; unset DATABASE_URL / --database-url".into(),
        )),
        Target::Embedded(_) => Ok(()),
    }
}

/// Most statements a health report lists.
pub const MAX_HEALTH_STATEMENTS: u32 = 100;

/// The open database's health: server, sizes, connections, the slowest statements (`statements`
/// of them, default [`dtrag_core::db::health::DEFAULT_STATEMENTS`]), vacuum state, the last
/// backup, and warnings naming what to change. Read-only.
pub async fn health(handle: &crate::Handle, statements: Option<u32>) -> Result<Health> {
    let n = statements.unwrap_or(db::health::DEFAULT_STATEMENTS);
    if n > MAX_HEALTH_STATEMENTS {
        return Err(Error::Invalid(format!(
            "at most {MAX_HEALTH_STATEMENTS} statements can be listed, not {n}"
        )));
    }
    db::health::check(handle.pool(), n, handle.is_embedded()).await
}
