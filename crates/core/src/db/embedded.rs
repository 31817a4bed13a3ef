//! The embedded default database: a private PostgreSQL cluster in the application's data directory,
//! run from the system's PostgreSQL binaries (`initdb`, `pg_ctl`) and reached over a Unix socket only
//! (no TCP port, so nothing else on the machine can reach it and no port can clash).
//!
//! PostgreSQL refuses to run as root; when we are root the cluster is created and run as the
//! `postgres` OS user, and its directory is owned by that user.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::Output;

use serde::Serialize;
use sqlx::Connection;
use tokio::process::Command;

use crate::error::{Error, Result};

/// The database created inside the embedded cluster.
pub const DATABASE: &str = "dtrag";
/// Superuser of the embedded cluster (set at initdb time, independent of the OS user).
pub const SUPERUSER: &str = "postgres";
/// The OS user that runs the server when we are root.
const SERVICE_USER: &str = "postgres";
/// Unix sockets have a path limit of about 107 bytes.
const MAX_SOCKET_PATH: usize = 100;

#[derive(Debug, Clone)]
pub struct EmbeddedCluster {
    data_dir: PathBuf,
    /// The server binaries' folder when the edge names one (`DTRAG_PG_BINDIR`); else found.
    bindir: Option<PathBuf>,
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

/// Whether the effective uid is 0 (what initdb refuses), read from /proc to avoid `unsafe` libc.
fn is_root() -> bool {
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|e| e == "0"))
        })
        .unwrap_or(false)
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
        let running = initialized && self.is_running().await?;
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
        fs::create_dir_all(&self.data_dir).map_err(|e| Error::io_path(&self.data_dir, e))?;
        let lock_path = self.data_dir.join(".start.lock");
        let lock = File::create(&lock_path).map_err(|e| Error::io_path(&lock_path, e))?;
        lock.lock().map_err(|e| Error::io_path(&lock_path, e))?;

        let bin = pg_bindir(self.bindir.as_deref())?;
        if !self.pgdata().join("PG_VERSION").exists() {
            self.init(&bin).await?;
        }
        let hba_changed = self.ensure_hba()?;
        let running = self.is_running().await?;
        if !running {
            let socket_dir = self.socket_dir();
            self.ensure_dir_for_server(&socket_dir)?;
            let log = self.pgdata().join("server.log");
            let opts = format!(
                "-c listen_addresses='' -c unix_socket_directories='{}'",
                socket_dir.display()
            );
            let out = self
                .run_as_service(
                    bin.join("pg_ctl"),
                    &[
                        "-D".as_ref(),
                        self.pgdata().as_os_str(),
                        "-l".as_ref(),
                        log.as_os_str(),
                        "-w".as_ref(),
                        "-t".as_ref(),
                        "60".as_ref(),
                        "-o".as_ref(),
                        opts.as_ref(),
                        "start".as_ref(),
                    ],
                )
                .await?;
            if !out.status.success() {
                let tail = fs::read_to_string(&log).unwrap_or_default();
                let tail: Vec<&str> = tail.lines().rev().take(15).collect();
                return Err(Error::Embedded(format!(
                    "pg_ctl start failed: {}{}\n{}",
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr),
                    tail.into_iter().rev().collect::<Vec<_>>().join("\n")
                )));
            }
        }
        self.ensure_database(running && hba_changed).await?;
        drop(lock);
        Ok(self.url())
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
        if !self.pgdata().join("PG_VERSION").exists() || !self.is_running().await? {
            return Ok(false);
        }
        let bin = pg_bindir(self.bindir.as_deref())?;
        let out = self
            .run_as_service(
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

    async fn is_running(&self) -> Result<bool> {
        let bin = pg_bindir(self.bindir.as_deref())?;
        let out = self
            .run_as_service(
                bin.join("pg_ctl"),
                &["-D".as_ref(), self.pgdata().as_os_str(), "status".as_ref()],
            )
            .await?;
        // pg_ctl status: 0 running, 3 not running, 4 no data directory.
        Ok(out.status.code() == Some(0))
    }

    async fn init(&self, bin: &Path) -> Result<()> {
        let pgdata = self.pgdata();
        self.ensure_dir_for_server(&pgdata)?;
        let out = self
            .run_as_service(
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
        let extra = "\n# dtrag embedded cluster\nmax_connections = 200\nshared_buffers = '256MB'\n\
                     unix_socket_permissions = 0700\nlisten_addresses = ''\n";
        let mut text = fs::read_to_string(&conf).map_err(|e| Error::io_path(&conf, e))?;
        text.push_str(extra);
        fs::write(&conf, text).map_err(|e| Error::io_path(&conf, e))?;
        Ok(())
    }

    async fn ensure_database(&self, reload: bool) -> Result<()> {
        let mut conn = sqlx::PgConnection::connect(&self.url_for("postgres")).await?;
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

    /// Creates `dir` and, when we are root, hands it to the service user, after checking that the
    /// service user can reach it at all.
    fn ensure_dir_for_server(&self, dir: &Path) -> Result<()> {
        fs::create_dir_all(dir).map_err(|e| Error::io_path(dir, e))?;
        if is_root() {
            let status = std::process::Command::new("chown")
                .arg(format!("{SERVICE_USER}:"))
                .arg(dir)
                .status()
                .map_err(|e| Error::io("chown", e))?;
            if !status.success() {
                return Err(Error::Embedded(format!(
                    "could not give {} to the `{SERVICE_USER}` user (is PostgreSQL installed?)",
                    dir.display()
                )));
            }
            let reachable = std::process::Command::new("runuser")
                .args(["-u", SERVICE_USER, "--", "test", "-w"])
                .arg(dir)
                .status()
                .map_err(|e| Error::io("runuser", e))?;
            if !reachable.success() {
                return Err(Error::Embedded(format!(
                    "the `{SERVICE_USER}` user, which runs the server when dtrag runs as root, cannot \
                     reach {}: choose a --data-dir outside /root (for example /var/lib/dtrag)",
                    dir.display()
                )));
            }
        }
        Ok(())
    }

    async fn run_as_service(&self, program: PathBuf, args: &[&std::ffi::OsStr]) -> Result<Output> {
        let mut cmd = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", SERVICE_USER, "--"]).arg(&program);
            c
        } else {
            Command::new(&program)
        };
        cmd.args(args).current_dir("/").kill_on_drop(true);
        cmd.output()
            .await
            .map_err(|e| Error::io(format!("running {}", program.display()), e))
    }
}

/// The directory of the PostgreSQL server binaries: `given`, or the newest
/// `/usr/lib/postgresql/N/bin` that has pgvector installed, or the newest at all.
pub fn pg_bindir(given: Option<&Path>) -> Result<PathBuf> {
    if let Some(dir) = given {
        return Ok(dir.to_path_buf());
    }
    let mut majors: Vec<u32> = fs::read_dir("/usr/lib/postgresql")
        .map(|rd| {
            rd.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    majors.sort_unstable_by(|a, b| b.cmp(a));
    let with_bin = |m: &u32| Path::new(&format!("/usr/lib/postgresql/{m}/bin/initdb")).exists();
    let with_vector = |m: &u32| {
        Path::new(&format!(
            "/usr/share/postgresql/{m}/extension/vector.control"
        ))
        .exists()
    };
    majors
        .iter()
        .find(|m| with_bin(m) && with_vector(m))
        .or_else(|| majors.iter().find(|m| with_bin(m)))
        .map(|m| PathBuf::from(format!("/usr/lib/postgresql/{m}/bin")))
        .ok_or_else(|| {
            Error::Embedded(
                "no PostgreSQL server binaries found under /usr/lib/postgresql: run \
                 scripts/setup-system.sh, or set DTRAG_PG_BINDIR, or pass --database-url"
                    .into(),
            )
        })
}

/// A small stable hash for naming the fallback socket directory (std's hasher is randomised).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}
