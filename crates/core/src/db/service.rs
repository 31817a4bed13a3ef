//! Running the PostgreSQL server programs: which binaries, and as which OS user (PostgreSQL
//! refuses to run as root; as root the cluster is run as the `postgres` user and its directories
//! are handed to it).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use tokio::process::Command;

use crate::error::{Error, Result};

/// The OS user that runs the server when we are root.
pub const SERVICE_USER: &str = "postgres";

/// Whether the effective uid is 0 (what initdb refuses), read from /proc to avoid `unsafe` libc.
pub fn is_root() -> bool {
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|e| e == "0"))
        })
        .unwrap_or(false)
}

/// Creates `dir` and, when we are root, hands it to the service user, after checking that the
/// service user can reach it at all.
pub fn ensure_dir_for_server(dir: &Path) -> Result<()> {
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

pub async fn run_as_service(program: PathBuf, args: &[&std::ffi::OsStr]) -> Result<Output> {
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
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}
