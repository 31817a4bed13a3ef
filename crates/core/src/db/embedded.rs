//! The embedded default database: a private PostgreSQL cluster in the application's data directory,
//! run from the system's PostgreSQL binaries (`initdb`, `pg_ctl`) and reached over a Unix socket only
//! (no TCP port, so nothing else on the machine can reach it and no port can clash).
//!
//! PostgreSQL refuses to run as root; when we are root the cluster is created and run as the
//! `postgres` OS user, and its directory is owned by that user.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::postmaster::{self, Server};
pub use super::service::pg_bindir;
use super::service::{self, fnv1a, is_root};
use crate::error::{Error, Result};
use serde::Serialize;
use sqlx::Connection;

/// The database created inside the embedded cluster.
pub const DATABASE: &str = "dtrag";
/// Superuser of the embedded cluster (set at initdb time, independent of the OS user).
pub const SUPERUSER: &str = "postgres";
/// Unix sockets have a path limit of about 107 bytes.
const MAX_SOCKET_PATH: usize = 100;

#[derive(Debug, Clone)]
pub struct EmbeddedCluster {
    data_dir: PathBuf,
    /// The server binaries' folder when the edge names one (`DTRAG_PG_BINDIR`); else found.
    bindir: Option<PathBuf>,
}

/// How long a start waits for the server to accept connections (crash recovery replays the WAL
/// written since the last checkpoint; a large import can leave a few hundred MB of it).
pub const START_TIMEOUT: Duration = Duration::from_secs(120);

/// What [`EmbeddedCluster::start_detailed`] did.
#[derive(Debug, Clone, Serialize)]
pub struct Started {
    pub url: String,
    /// This call launched the server (it was not running).
    pub launched: bool,
    /// The server had crashed (its lock file named a dead postmaster); it was restarted and
    /// PostgreSQL replayed its WAL, so every committed transaction is there and no other.
    pub recovered: bool,
}

/// Why a start step did not succeed: something waiting may cure (the message says what), or an
/// error it cannot.
enum Retry {
    Wait(String),
    Fail(Error),
}

impl From<Error> for Retry {
    fn from(e: Error) -> Self {
        Retry::Fail(e)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub data_dir: PathBuf,
    pub pgdata: PathBuf,
    pub initialized: bool,
    pub running: bool,
    pub url: String,
}

/// The default data directory: `$DTRAG_DATA_DIR` is handled by the caller; otherwise the platform's
/// per-user data directory, or `/var/lib/dtrag` for root (the `postgres` user that runs the server
/// for root cannot enter `/root`).
pub fn default_data_dir() -> PathBuf {
    if is_root() {
        return PathBuf::from("/var/lib/dtrag");
    }
    dirs::data_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("dtrag")
}

impl EmbeddedCluster {
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        let data_dir = data_dir.into();
        // An absolute path: the server is started from another working directory.
        let data_dir = std::path::absolute(&data_dir).unwrap_or(data_dir);
        Self {
            data_dir,
            bindir: None,
        }
    }

    /// Uses the PostgreSQL server binaries in `bindir` instead of the newest system ones.
    pub fn with_bindir(mut self, bindir: Option<PathBuf>) -> Self {
        self.bindir = bindir;
        self
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub fn pgdata(&self) -> PathBuf {
        self.data_dir.join("pg")
    }

    /// Where the server's socket lives: inside the cluster directory when the path is short enough,
    /// otherwise in a per-cluster directory under /tmp.
    pub fn socket_dir(&self) -> PathBuf {
        let pgdata = self.pgdata();
        if pgdata.join(".s.PGSQL.5432").as_os_str().len() <= MAX_SOCKET_PATH {
            pgdata
        } else {
            let digest = fnv1a(pgdata.as_os_str().as_encoded_bytes());
            std::env::temp_dir().join(format!("dtrag-{digest:016x}"))
        }
    }

    /// Connection URL of a database in this cluster.
    pub fn url_for(&self, database: &str) -> String {
        format!(
            "postgres://{SUPERUSER}@localhost/{database}?host={}&port=5432",
            self.socket_dir().display()
        )
    }

    pub fn url(&self) -> String {
        self.url_for(DATABASE)
    }

    pub async fn status(&self) -> Result<Status> {
        let initialized = self.pgdata().join("PG_VERSION").exists();
        let running = initialized && matches!(self.server().await?, Server::Running { .. });
        Ok(Status {
            data_dir: self.data_dir.clone(),
            pgdata: self.pgdata(),
            initialized,
            running,
            url: self.url(),
        })
    }

    /// Starts the cluster (creating it on first use) and the `dtrag` database, and returns the URL.
    /// Safe to call from several processes at once: a lock file serialises them.
    pub async fn start(&self) -> Result<String> {
        Ok(self.start_detailed().await?.url)
    }

    /// Like [`Self::start`], saying whether this call launched the server (an app stops only a
    /// server it launched) and whether it found a crashed one and recovered it.
    ///
    /// Returns only once the server accepts connections: a server that is still starting or
    /// replaying its WAL after a crash is waited for (up to [`START_TIMEOUT`]), a crashed one's
    /// stale lock file is cleared once its old backends are gone, then it is started.
    pub async fn start_detailed(&self) -> Result<Started> {
        fs::create_dir_all(&self.data_dir).map_err(|e| Error::io_path(&self.data_dir, e))?;
        let lock_path = self.data_dir.join(".start.lock");
        let lock = File::create(&lock_path).map_err(|e| Error::io_path(&lock_path, e))?;
        lock.lock().map_err(|e| Error::io_path(&lock_path, e))?;

        let bin = pg_bindir(self.bindir.as_deref())?;
        if !self.pgdata().join("PG_VERSION").exists() {
            self.init(&bin).await?;
        }
        let hba_changed = self.ensure_hba()?;
        let deadline = Instant::now() + START_TIMEOUT;
        let mut launched = false;
        let mut recovered = false;
        let mut last = String::from("not started");
        let conn = loop {
            match self.server().await? {
                Server::Running { .. } => match self.try_connect().await {
                    Ok(conn) => break conn,
                    Err(Retry::Wait(why)) => last = why,
                    Err(Retry::Fail(e)) => return Err(e),
                },
                Server::Stopped | Server::Unknown => match self.launch(&bin).await {
                    Ok(()) => launched = true,
                    Err(Retry::Wait(why)) => last = why,
                    Err(Retry::Fail(e)) => return Err(e),
                },
                Server::Crashed { pid, in_use } => {
                    recovered = true;
                    if in_use {
                        last = format!(
                            "the crashed server (pid {pid}) still has processes attached to its \
                             shared memory"
                        );
                    } else {
                        tracing::warn!(
                            pid,
                            "embedded database: clearing a crashed server's lock file"
                        );
                        postmaster::remove_stale_lock(&self.pgdata())
                            .map_err(|e| Error::io_path(&self.pgdata(), e))?;
                        continue;
                    }
                }
            }
            if Instant::now() >= deadline {
                return Err(Error::Embedded(format!(
                    "the server did not accept connections within {} s: {last}\n{}",
                    START_TIMEOUT.as_secs(),
                    self.log_tail()
                )));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        // A server we found running keeps its old pg_hba.conf until told to reload it.
        self.ensure_database(conn, !launched && hba_changed).await?;
        drop(lock);
        Ok(Started {
            url: self.url(),
            launched,
            recovered,
        })
    }

    /// The server's state: from its lock file, or from `pg_ctl status` where there is no `/proc`.
    async fn server(&self) -> Result<Server> {
        match postmaster::inspect(&self.pgdata()) {
            Server::Unknown if self.pg_ctl_status().await? => Ok(Server::Running { pid: 0 }),
            s => Ok(s),
        }
    }

    /// `pg_ctl start -w`; a refusal that waiting may cure (an old server's lock or memory not yet
    /// released) is [`Retry::Wait`].
    async fn launch(&self, bin: &Path) -> std::result::Result<(), Retry> {
        let socket_dir = self.socket_dir();
        service::ensure_dir_for_server(&socket_dir)?;
        let log = self.pgdata().join("server.log");
        // A missing file (a cluster being made) sets nothing.
        let auto_conf =
            fs::read_to_string(self.pgdata().join("postgresql.auto.conf")).unwrap_or_default();
        let opts = format!(
            "-c listen_addresses='' -c unix_socket_directories='{}' {}",
            socket_dir.display(),
            super::sizing::server_options(&auto_conf)
        );
        let out = service::run_as_service(
            bin.join("pg_ctl"),
            &[
                "-D".as_ref(),
                self.pgdata().as_os_str(),
                "-l".as_ref(),
                log.as_os_str(),
                "-w".as_ref(),
                "-t".as_ref(),
                START_TIMEOUT.as_secs().to_string().as_ref(),
                "-o".as_ref(),
                opts.as_ref(),
                "start".as_ref(),
            ],
        )
        .await?;
        if out.status.success() {
            return Ok(());
        }
        let tail = self.log_tail();
        let said = format!(
            "pg_ctl start failed: {}{}\n{tail}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        let transient = [
            "is still in use",
            "already exists",
            "another server might be running",
        ];
        if transient.iter().any(|t| said.contains(t)) {
            Err(Retry::Wait(said))
        } else {
            Err(Retry::Fail(Error::Embedded(said)))
        }
    }

    /// A connection to the maintenance database, or [`Retry::Wait`] while the server cannot take
    /// one yet (no socket, refused, starting up, recovering, shutting down).
    async fn try_connect(&self) -> std::result::Result<sqlx::PgConnection, Retry> {
        match sqlx::PgConnection::connect(&self.url_for("postgres")).await {
            Ok(conn) => Ok(conn),
            Err(sqlx::Error::Io(e)) => Err(Retry::Wait(format!("connecting: {e}"))),
            Err(sqlx::Error::Database(d)) if d.code().is_some_and(|c| c.starts_with("57P")) => {
                Err(Retry::Wait(d.message().to_string()))
            }
            Err(e) => Err(Retry::Fail(e.into())),
        }
    }

    /// The last lines of the server's log, for error messages.
    fn log_tail(&self) -> String {
        let text = fs::read_to_string(self.pgdata().join("server.log")).unwrap_or_default();
        let tail: Vec<&str> = text.lines().rev().take(15).collect();
        tail.into_iter().rev().collect::<Vec<_>>().join("\n")
    }

    /// Client authentication: the superuser over the socket without a password (only this OS
    /// user and root can reach the socket, mode 0700), every other role — the agents' logins —
    /// with its password. Rewritten at every start, so older clusters get it too; returns
    /// whether the file changed.
    fn ensure_hba(&self) -> Result<bool> {
        let path = self.pgdata().join("pg_hba.conf");
        let want = format!(
            "# dtrag embedded cluster: written by dtrag at every start\n\
             local all {SUPERUSER} trust\n\
             local all all scram-sha-256\n"
        );
        let have = fs::read_to_string(&path).map_err(|e| Error::io_path(&path, e))?;
        if have == want {
            return Ok(false);
        }
        fs::write(&path, want).map_err(|e| Error::io_path(&path, e))?;
        Ok(true)
    }

    pub async fn stop(&self) -> Result<bool> {
        if !self.pgdata().join("PG_VERSION").exists()
            || !matches!(self.server().await?, Server::Running { .. })
        {
            return Ok(false);
        }
        let bin = pg_bindir(self.bindir.as_deref())?;
        let out = service::run_as_service(
            bin.join("pg_ctl"),
            &[
                "-D".as_ref(),
                self.pgdata().as_os_str(),
                "-m".as_ref(),
                "fast".as_ref(),
                "-w".as_ref(),
                "stop".as_ref(),
            ],
        )
        .await?;
        if !out.status.success() {
            return Err(Error::Embedded(format!(
                "pg_ctl stop failed: {}",
                String::from_utf8_lossy(&out.stderr)
            )));
        }
        Ok(true)
    }

    /// `pg_ctl status` (which calls a zombie postmaster running: see [`postmaster`]).
    async fn pg_ctl_status(&self) -> Result<bool> {
        let bin = pg_bindir(self.bindir.as_deref())?;
        let out = service::run_as_service(
            bin.join("pg_ctl"),
            &["-D".as_ref(), self.pgdata().as_os_str(), "status".as_ref()],
        )
        .await?;
        // pg_ctl status: 0 running, 3 not running, 4 no data directory.
        Ok(out.status.code() == Some(0))
    }

    async fn init(&self, bin: &Path) -> Result<()> {
        let pgdata = self.pgdata();
        service::ensure_dir_for_server(&pgdata)?;
        let out = service::run_as_service(
            bin.join("initdb"),
            &[
                "-D".as_ref(),
                pgdata.as_os_str(),
                "-U".as_ref(),
                SUPERUSER.as_ref(),
                "--auth=trust".as_ref(),
                "--encoding=UTF8".as_ref(),
                "--locale=C.UTF-8".as_ref(),
            ],
        )
        .await?;
        if !out.status.success() {
            return Err(Error::Embedded(format!(
                "initdb failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )));
        }
        // Only the socket is reachable, and only by this OS user (and root); `ensure_hba` then
        // lets the superuser in without a password and asks every other role for its own.
        let conf = pgdata.join("postgresql.conf");
        // The sizing is also passed as `-c` options at every start (db::sizing, which wins);
        // it is written here too so that the file tells a reader the truth.
        let extra = format!(
            "\n# dtrag embedded cluster (sizing: db::sizing, also given at every start)\n\
             max_connections = {}\nshared_buffers = '{}'\nshared_preload_libraries = '{}'\n\
             unix_socket_permissions = 0700\nlisten_addresses = ''\n",
            super::sizing::MAX_CONNECTIONS,
            super::sizing::SHARED_BUFFERS,
            super::sizing::PRELOAD_LIBRARIES
        );
        let mut text = fs::read_to_string(&conf).map_err(|e| Error::io_path(&conf, e))?;
        text.push_str(&extra);
        fs::write(&conf, text).map_err(|e| Error::io_path(&conf, e))?;
        Ok(())
    }

    async fn ensure_database(&self, mut conn: sqlx::PgConnection, reload: bool) -> Result<()> {
        if reload {
            sqlx::query("SELECT pg_reload_conf()")
                .execute(&mut conn)
                .await?;
        }
        let exists: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
                .bind(DATABASE)
                .fetch_one(&mut conn)
                .await?;
        if !exists {
            sqlx::query(&format!("CREATE DATABASE {DATABASE}"))
                .execute(&mut conn)
                .await?;
        }
        conn.close().await?;
        Ok(())
    }
}
