//! What a data directory's `postmaster.pid` says about its server, read without asking `pg_ctl`.
//!
//! Why not `pg_ctl status`: right after the postmaster is killed (SIGKILL, OOM killer, power
//! button on a laptop that then resumes) it lingers as a zombie until whoever adopted it reaps it,
//! and `pg_ctl status` (a `kill(pid, 0)`) calls a zombie "running". `dtrag db start` then skipped
//! the start and failed with "Connection refused" on the stale socket; and PostgreSQL itself
//! refuses to start while the zombie's pid is in the file ("lock file already exists"). Here a
//! zombie, a vanished process or a pid now used by another program is a crashed server, and the
//! file may be removed once no old backend still holds the server's shared memory — the interlock
//! PostgreSQL keeps against two servers writing one data directory, which we keep too.

use std::fs;
use std::path::Path;

/// The server of a data directory as its lock file shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Server {
    /// No lock file: stopped cleanly (or never started).
    Stopped,
    /// The postmaster named in the lock file is alive (it may still be starting or recovering).
    Running { pid: u32 },
    /// The lock file names a postmaster that is gone (dead, a zombie, or the pid reused).
    /// `in_use`: old backends still hold its shared memory, so a new server must wait.
    Crashed { pid: u32, in_use: bool },
    /// This system has no `/proc` to look in: ask `pg_ctl status` instead.
    Unknown,
}

/// Reads `pgdata/postmaster.pid` and the process table.
pub fn inspect(pgdata: &Path) -> Server {
    if !Path::new("/proc/self/stat").exists() {
        return Server::Unknown;
    }
    let Ok(text) = fs::read_to_string(pgdata.join("postmaster.pid")) else {
        return Server::Stopped;
    };
    let mut lines = text.lines();
    let Some(pid) = lines.next().and_then(|l| l.trim().parse::<u32>().ok()) else {
        // Being written by a starting server (it writes the pid first, in one write).
        return Server::Running { pid: 0 };
    };
    if is_live_postgres(pid) {
        return Server::Running { pid };
    }
    // Line 7: "<shm key> <shm id>" of the interlock segment.
    let shmid = text
        .lines()
        .nth(6)
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse::<i64>().ok());
    let in_use = shmid.is_some_and(shm_attached);
    Server::Crashed { pid, in_use }
}

/// Removes the lock file of a crashed server nobody holds any more, so PostgreSQL starts instead of
/// refusing on a zombie's pid. A missing file is fine (someone else cleaned up).
pub fn remove_stale_lock(pgdata: &Path) -> std::io::Result<()> {
    match fs::remove_file(pgdata.join("postmaster.pid")) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Whether `pid` is a live (not zombie) process running the PostgreSQL server.
fn is_live_postgres(pid: u32) -> bool {
    let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    // "pid (comm) S ...": the state follows the last ')' (comm may contain spaces and parens).
    let state = stat
        .rfind(')')
        .and_then(|i| stat[i + 1..].split_whitespace().next());
    if matches!(state, Some("Z") | Some("X") | None) {
        return false;
    }
    let comm = stat
        .find('(')
        .zip(stat.rfind(')'))
        .map(|(a, b)| &stat[a + 1..b])
        .unwrap_or_default();
    // The postmaster's comm is "postgres" (or "postmaster" on old packagings).
    comm.starts_with("postgres") || comm.starts_with("postmaster")
}

/// Whether System V shared memory segment `shmid` exists with processes attached.
fn shm_attached(shmid: i64) -> bool {
    let Ok(table) = fs::read_to_string("/proc/sysvipc/shm") else {
        // Cannot tell: assume in use, and let the caller's timeout and PostgreSQL decide.
        return true;
    };
    // Columns: key shmid perms size cpid lpid nattch ...
    table.lines().skip(1).any(|l| {
        let cols: Vec<&str> = l.split_whitespace().collect();
        cols.get(1).and_then(|s| s.parse::<i64>().ok()) == Some(shmid)
            && cols.get(6).and_then(|s| s.parse::<u64>().ok()).unwrap_or(1) > 0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_lock_file_is_stopped() {
        let dir = std::env::temp_dir().join(format!("dtrag-pm-{}", std::process::id()));
        fs::create_dir_all(&dir).expect("scratch dir");
        assert_eq!(inspect(&dir), Server::Stopped);
        fs::write(dir.join("postmaster.pid"), "999999999\n/x\n").expect("write");
        assert!(matches!(
            inspect(&dir),
            Server::Crashed {
                pid: 999_999_999,
                ..
            }
        ));
        // Our own pid is alive but is not a postgres server: a reused pid.
        fs::write(
            dir.join("postmaster.pid"),
            format!("{}\n", std::process::id()),
        )
        .expect("write");
        assert!(matches!(inspect(&dir), Server::Crashed { .. }));
        remove_stale_lock(&dir).expect("remove");
        remove_stale_lock(&dir).expect("a missing file is fine");
        assert_eq!(inspect(&dir), Server::Stopped);
        let _ = fs::remove_dir_all(&dir);
    }
}
