//! The app's connection state: which database, its API handle once open, and the status the UI
//! shows.

use std::time::Duration;

use dtrag_api::{database, CommandError, Config, ErrorKind, Handle};
use tokio::sync::RwLock;

use crate::connection::{self, ConnectRequest, ConnectionKind, ConnectionState, ConnectionStatus};

/// How long a command waits for a connection that is still being opened (first start of the
/// embedded cluster runs initdb and loads the samples).
const CONNECT_WAIT: Duration = Duration::from_secs(120);

/// Connections the app keeps open: tree expansion, details and search run side by side.
const POOL_SIZE: u32 = 16;

pub struct AppState {
    conn: RwLock<Conn>,
    pub config: Config,
    /// `DATABASE_URL` given at start: a session override, never saved.
    start_url: Option<String>,
}

struct Conn {
    handle: Option<Handle>,
    status: ConnectionStatus,
    /// Where the open handle goes (backups and restores run the client programs against it).
    target: Option<database::Target>,
    /// This app launched the embedded server (it was not running when we opened it), so the app
    /// stops it when it ends; a server someone else started (`dtrag db start`, another app) is
    /// left running.
    launched_embedded: bool,
}

impl AppState {
    pub fn new(config: Config, start_url: Option<String>) -> Self {
        let description = config.data_dir.display().to_string();
        let status = Self::make_status(
            &config,
            ConnectionState::Connecting,
            ConnectionKind::Embedded,
            description,
            None,
        );
        AppState {
            conn: RwLock::new(Conn {
                handle: None,
                status,
                target: None,
                launched_embedded: false,
            }),
            config,
            start_url,
        }
    }

    fn make_status(
        config: &Config,
        state: ConnectionState,
        kind: ConnectionKind,
        description: String,
        error: Option<String>,
    ) -> ConnectionStatus {
        let (keyring_available, keyring_message) = connection::keyring_status();
        ConnectionStatus {
            state,
            kind,
            description,
            error,
            notice: None,
            keyring_available,
            keyring_message,
            author: config.author.clone(),
        }
    }

    fn status_of(
        &self,
        state: ConnectionState,
        kind: ConnectionKind,
        description: String,
        error: Option<String>,
    ) -> ConnectionStatus {
        Self::make_status(&self.config, state, kind, description, error)
    }

    pub async fn status(&self) -> ConnectionStatus {
        self.conn.read().await.status.clone()
    }

    /// The target at start: `DATABASE_URL`, else the saved connection, else the embedded database.
    pub async fn connect_at_start(&self) {
        if let Some(url) = self.start_url.clone() {
            self.connect_to(Some(url), None).await;
            return;
        }
        match connection::saved_url() {
            Ok(Some(url)) => match connection::keyring_password(&url) {
                Some(password) => {
                    self.connect_to(Some(url), Some(password)).await;
                }
                None => {
                    let mut c = self.conn.write().await;
                    c.handle = None;
                    c.status = self.status_of(
                        ConnectionState::NeedsPassword,
                        ConnectionKind::Url,
                        url,
                        None,
                    );
                }
            },
            Ok(None) => {
                self.connect_to(None, None).await;
            }
            Err(e) => {
                tracing::error!(error = %e.message, "the saved connection is unreadable");
                let mut c = self.conn.write().await;
                c.status = self.status_of(
                    ConnectionState::Error,
                    ConnectionKind::Url,
                    String::new(),
                    Some(e.message),
                );
            }
        }
    }

    /// The `connect` command: checks the URL, connects, and saves the connection when asked
    /// (and it worked).
    pub async fn connect(&self, request: ConnectRequest) -> Result<ConnectionStatus, CommandError> {
        let url = request.url.filter(|u| !u.trim().is_empty());
        if let Some(u) = &url {
            connection::check_url(u)?;
        }
        let status = self.connect_to(url.clone(), request.password.clone()).await;
        if status.state == ConnectionState::Ready && request.remember {
            connection::save_url(url.as_deref())?;
            if let (Some(u), Some(p)) = (&url, &request.password) {
                connection::store_password(u, p)?;
            }
        }
        Ok(status)
    }

    /// The `forget_connection` command: drops the saved URL and its password, back to embedded.
    pub async fn forget(&self) -> Result<ConnectionStatus, CommandError> {
        if let Ok(Some(url)) = connection::saved_url() {
            connection::forget_password(&url);
        }
        connection::save_url(None)?;
        Ok(self.connect_to(None, None).await)
    }

    /// Opens `url` (or the embedded database) and swaps it in. On failure the status carries the
    /// error and the previous handle is closed.
    pub async fn connect_to(
        &self,
        url: Option<String>,
        password: Option<String>,
    ) -> ConnectionStatus {
        let (kind, description) = match &url {
            Some(u) => (ConnectionKind::Url, u.clone()),
            None => (
                ConnectionKind::Embedded,
                self.config.data_dir.display().to_string(),
            ),
        };
        let target = database::target(url, password, &self.config);
        {
            let mut c = self.conn.write().await;
            if let Some(old) = c.handle.take() {
                // Not the embedded cluster: it may be what we connect to next.
                let _ = old.close(false).await;
            }
            c.status = self.status_of(ConnectionState::Connecting, kind, description.clone(), None);
        }
        let opened = Handle::open(&target, self.config.clone(), POOL_SIZE).await;
        let mut c = self.conn.write().await;
        match opened {
            Ok((handle, sample)) => {
                if let Some(s) = sample {
                    tracing::info!(documents = s.documents, embedded = s.embedded, notice = ?s.notice, "new database: samples loaded");
                }
                tracing::info!(?kind, %description, launched = handle.launched_cluster(), "connected");
                let notice = handle
                    .recovered_cluster()
                    .then(|| database::RECOVERED_NOTICE.to_string());
                c.launched_embedded |= handle.launched_cluster();
                c.handle = Some(handle);
                c.target = Some(target);
                c.status = self.status_of(ConnectionState::Ready, kind, description, None);
                c.status.notice = notice;
            }
            Err(e) => {
                let message = dtrag_api::error_message(&e);
                tracing::error!(?kind, %description, error = %message, "connection failed");
                c.status = self.status_of(ConnectionState::Error, kind, description, Some(message));
            }
        }
        c.status.clone()
    }

    /// The open handle, waiting while a connection is being opened.
    pub async fn handle(&self) -> Result<Handle, CommandError> {
        let started = std::time::Instant::now();
        loop {
            {
                let c = self.conn.read().await;
                match (c.status.state, &c.handle) {
                    (ConnectionState::Ready, Some(h)) => return Ok(h.clone()),
                    (ConnectionState::Connecting, _) if started.elapsed() < CONNECT_WAIT => {}
                    (ConnectionState::NeedsPassword, _) => {
                        return Err(CommandError::new(
                            ErrorKind::Unauthorized,
                            "the saved connection needs its password",
                        ))
                    }
                    (_, _) => {
                        return Err(CommandError::new(
                            ErrorKind::Unavailable,
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

    /// Restarts the embedded server when it died under the app (killed, crashed): the app then
    /// reconnects, recovered, and the connection view says what happened. Called periodically.
    pub async fn revive_embedded(&self) {
        {
            let c = self.conn.read().await;
            let watching = c.handle.is_some()
                && c.status.state == ConnectionState::Ready
                && c.status.kind == ConnectionKind::Embedded;
            if !watching {
                return;
            }
        }
        if matches!(database::status(&self.config).await, Ok(s) if s.running) {
            return;
        }
        tracing::warn!("the embedded database stopped under the app: restarting it");
        self.connect_to(None, None).await;
    }

    /// Where the open handle goes, waiting like [`Self::handle`].
    pub async fn target(&self) -> Result<database::Target, CommandError> {
        self.handle().await?;
        self.conn
            .read()
            .await
            .target
            .clone()
            .ok_or_else(|| CommandError::new(ErrorKind::Unavailable, "not connected to a database"))
    }

    /// Closes the handle and stops the embedded cluster when this app launched it (on exit, and
    /// on SIGTERM / SIGINT / SIGHUP). Safe to call twice: the second call finds nothing to do.
    pub async fn shutdown(&self) {
        let mut c = self.conn.write().await;
        if let Some(h) = c.handle.take() {
            let _ = h.close(false).await;
        }
        c.target = None;
        if std::mem::take(&mut c.launched_embedded) {
            tracing::info!("stopping the embedded database this app started");
            if let Err(e) = database::stop(&self.config).await {
                tracing::warn!(error = %e, "stopping the embedded database");
            }
        }
    }
}
