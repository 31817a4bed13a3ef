//! The app's connection state: which database, its pool once open, and the status the UI shows.

use std::path::PathBuf;
use std::time::Duration;

use dtrag::db::open::{self, Target};
use dtrag::embed::registry::Embedders;
use dtrag::taxonomy::PublishMeta;
use sqlx::PgPool;
use tokio::sync::RwLock;

use crate::connection::{self, ConnectionStatus};
use crate::error::CommandError;

/// Opens the pool; for the embedded database, loads the sample taxonomy on first start so there is
/// something to see.
async fn open_target(target: Target, sample: Option<PublishMeta>) -> Result<PgPool, dtrag::Error> {
    let pool = open::open(&target, 16).await?;
    if let Some(meta) = sample {
        dtrag::taxonomy::import::import_sample_if_new(&pool, &meta).await?;
    }
    Ok(pool)
}

/// How long a command waits for a connection that is still being opened (first start of the
/// embedded cluster runs initdb).
const CONNECT_WAIT: Duration = Duration::from_secs(120);

pub struct AppState {
    conn: RwLock<Conn>,
    pub data_dir: PathBuf,
    pub author: String,
    /// Embedders for search, kept for the app's run: the local model loads on the first vector
    /// or hybrid search, not on every one.
    pub embedders: Embedders,
}

struct Conn {
    pool: Option<PgPool>,
    status: ConnectionStatus,
}

fn status(
    author: &str,
    state: &str,
    kind: &str,
    description: String,
    error: Option<String>,
) -> ConnectionStatus {
    let (keyring_available, keyring_message) = connection::keyring_status();
    ConnectionStatus {
        state: state.into(),
        kind: kind.into(),
        description,
        error,
        keyring_available,
        keyring_message,
        author: author.to_string(),
    }
}

impl AppState {
    pub fn new(data_dir: PathBuf, author: String) -> Self {
        let description = data_dir.display().to_string();
        AppState {
            conn: RwLock::new(Conn {
                pool: None,
                status: status(&author, "connecting", "embedded", description, None),
            }),
            data_dir,
            author,
            embedders: Embedders::new(),
        }
    }

    pub fn meta(&self, message: &str) -> PublishMeta {
        PublishMeta {
            author: self.author.clone(),
            message: message.to_string(),
        }
    }

    pub async fn status(&self) -> ConnectionStatus {
        self.conn.read().await.status.clone()
    }

    /// The target at start: `DATABASE_URL`, else the saved connection, else the embedded database.
    pub async fn connect_at_start(&self) {
        if let Some(url) = std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty()) {
            self.connect_to(Some(url), None).await;
            return;
        }
        match connection::saved_url() {
            Some(url) => match connection::keyring_password(&url) {
                Some(password) => {
                    self.connect_to(Some(url), Some(password)).await;
                }
                None => {
                    let mut c = self.conn.write().await;
                    c.pool = None;
                    c.status = status(&self.author, "needs_password", "url", url, None);
                }
            },
            None => {
                self.connect_to(None, None).await;
            }
        }
    }

    /// Opens `url` (or the embedded database) and swaps it in. On failure the status carries the
    /// error and the previous pool is closed.
    pub async fn connect_to(
        &self,
        url: Option<String>,
        password: Option<String>,
    ) -> ConnectionStatus {
        let (kind, description, target) = match &url {
            Some(u) => (
                "url",
                u.clone(),
                Target::Url {
                    url: u.clone(),
                    password: password.clone(),
                },
            ),
            None => (
                "embedded",
                self.data_dir.display().to_string(),
                Target::Embedded(self.data_dir.clone()),
            ),
        };
        {
            let mut c = self.conn.write().await;
            if let Some(old) = c.pool.take() {
                old.close().await;
            }
            c.status = status(&self.author, "connecting", kind, description.clone(), None);
        }
        let sample = url.is_none().then(|| self.meta("sample taxonomy"));
        let opened = open_target(target, sample).await;
        let mut c = self.conn.write().await;
        match opened {
            Ok(pool) => {
                tracing::info!(kind, %description, "connected");
                c.pool = Some(pool);
                c.status = status(&self.author, "ready", kind, description, None);
            }
            Err(e) => {
                tracing::error!(kind, %description, error = %e, "connection failed");
                c.status = status(
                    &self.author,
                    "error",
                    kind,
                    description,
                    Some(e.to_string()),
                );
            }
        }
        c.status.clone()
    }

    /// The open pool, waiting while a connection is being opened.
    pub async fn pool(&self) -> Result<PgPool, CommandError> {
        let started = std::time::Instant::now();
        loop {
            {
                let c = self.conn.read().await;
                match (c.status.state.as_str(), &c.pool) {
                    ("ready", Some(pool)) => return Ok(pool.clone()),
                    ("connecting", _) if started.elapsed() < CONNECT_WAIT => {}
                    ("needs_password", _) => {
                        return Err(CommandError::new(
                            "connection",
                            "the saved connection needs its password",
                        ))
                    }
                    (_, _) => {
                        return Err(CommandError::new(
                            "connection",
                            c.status
                                .error
                                .clone()
                                .unwrap_or_else(|| "not connected to a database".into()),
                        ))
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Stops the embedded cluster when that is what we use (on app exit).
    pub async fn shutdown(&self) {
        let mut c = self.conn.write().await;
        if let Some(pool) = c.pool.take() {
            pool.close().await;
        }
        if c.status.kind == "embedded" {
            if let Err(e) = dtrag::db::embedded::EmbeddedCluster::new(&self.data_dir)
                .stop()
                .await
            {
                tracing::warn!(error = %e, "stopping the embedded database");
            }
        }
    }
}
