//! Choosing the database: an explicit URL (any PostgreSQL 15+ with pgvector), or the embedded
//! cluster in the data directory, started on demand. Shared by the CLI and the desktop shell.

use std::path::PathBuf;

use sqlx::PgPool;

use super::embedded::{default_data_dir, EmbeddedCluster};
use super::migrate;
use crate::error::{Error, Result};

/// Where the connection goes.
#[derive(Debug, Clone)]
pub enum Target {
    /// A server by URL; the password, when kept apart from the URL (e.g. in the OS keyring), is
    /// added to the connection options and never written into a URL.
    Url {
        url: String,
        password: Option<String>,
    },
    /// The embedded cluster (its data directory, and where its server binaries are).
    Embedded(EmbeddedCluster),
}

impl Target {
    /// `url` wins; otherwise the embedded cluster in `data_dir` (default: the platform data dir).
    pub fn choose(url: Option<String>, data_dir: Option<PathBuf>) -> Self {
        match url.filter(|u| !u.trim().is_empty()) {
            Some(url) => Target::Url {
                url,
                password: None,
            },
            None => Target::Embedded(EmbeddedCluster::new(
                data_dir.unwrap_or_else(default_data_dir),
            )),
        }
    }

    pub fn is_embedded(&self) -> bool {
        matches!(self, Target::Embedded(_))
    }
}

/// What the embedded cluster's superuser does on every open: pending migrations, then the
/// statement statistics the health report reads (ours to turn on, unlike a server's by URL).
pub async fn prepare_embedded(login: &PgPool) -> Result<Vec<migrate::Step>> {
    let steps = migrate::migrate(login, false).await?;
    super::health::statements::enable(login).await;
    Ok(steps)
}

/// Opens a pool on the target. The embedded cluster is started and migrated as needed (it is ours);
/// a server given by URL is never migrated implicitly: pending migrations are reported instead.
/// The pool works as `dtrag_app` either way.
pub async fn open(target: &Target, max_connections: u32) -> Result<PgPool> {
    match target {
        Target::Embedded(cluster) => {
            let url = cluster.start().await?;
            // Migrate as the login (the cluster's superuser), then work as dtrag_app.
            let login = super::connect_login(&url, None, 1).await?;
            let migrated = prepare_embedded(&login).await;
            login.close().await;
            migrated?;
            super::connect(&url, max_connections).await
        }
        Target::Url { url, password } => {
            let pool =
                super::connect_with_password(url, password.as_deref(), max_connections).await?;
            let applied = migrate::applied_versions(&pool).await?;
            let pending = migrate::MIGRATOR
                .iter()
                .filter(|m| !m.migration_type.is_down_migration() && !applied.contains(&m.version))
                .count();
            if pending > 0 {
                return Err(Error::PendingMigrations(pending));
            }
            Ok(pool)
        }
    }
}
