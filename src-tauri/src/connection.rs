//! Which database the app talks to, and the saved connection.
//!
//! Default: the embedded PostgreSQL in the data directory. `DATABASE_URL` overrides it for a
//! session. A saved connection keeps its URL (without password) in `connection.json` in the app's
//! config directory and its password in the OS keyring — never in a file. When no keyring is
//! available the app says so and asks for the password each time.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use dtrag_api::{CommandError, ErrorKind};

const KEYRING_SERVICE: &str = "dtrag-studio";

/// Where the app's connection is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionState {
    Connecting,
    Ready,
    /// A saved connection whose password is not in the keyring: the UI asks for it.
    NeedsPassword,
    Error,
}

/// What the app is connected to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionKind {
    /// The private cluster in the data directory.
    Embedded,
    /// A server by URL.
    Url,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ConnectionStatus {
    pub state: ConnectionState,
    pub kind: ConnectionKind,
    /// The data directory, or the URL without its password.
    pub description: String,
    pub error: Option<String>,
    /// Something to tell that is not an error (the embedded server had crashed and was recovered).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub notice: Option<String>,
    pub keyring_available: bool,
    pub keyring_message: Option<String>,
    /// Who publishes from this app (recorded on versions and in the audit log).
    pub author: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct ConnectRequest {
    /// `null`: the embedded database.
    pub url: Option<String>,
    pub password: Option<String>,
    /// Keep the URL and put the password in the OS keyring.
    pub remember: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
struct Saved {
    url: Option<String>,
}

fn settings_file() -> PathBuf {
    dirs::config_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("dtrag-studio")
        .join("connection.json")
}

/// The saved URL, if any. A settings file that cannot be read or parsed is an error (shown to
/// the user), not silently "no saved connection": it may hold the connection they expect.
pub fn saved_url() -> Result<Option<String>, CommandError> {
    saved_url_in(&settings_file())
}

fn saved_url_in(path: &std::path::Path) -> Result<Option<String>, CommandError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(CommandError::new(
                ErrorKind::Io,
                format!("{}: {e}", path.display()),
            ))
        }
    };
    serde_json::from_str::<Saved>(&text)
        .map(|s| s.url)
        .map_err(|e| {
            CommandError::new(
                ErrorKind::InvalidInput,
                format!(
                    "the saved connection in {} is unreadable ({e}): connect again to replace it",
                    path.display()
                ),
            )
        })
}

pub fn save_url(url: Option<&str>) -> Result<(), CommandError> {
    let path = settings_file();
    let io = |p: &std::path::Path, e: std::io::Error| {
        CommandError::new(ErrorKind::Io, format!("{}: {e}", p.display()))
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    }
    let text = serde_json::to_string_pretty(&Saved {
        url: url.map(str::to_string),
    })
    .map_err(|e| CommandError::new(ErrorKind::Internal, e.to_string()))?;
    std::fs::write(&path, text).map_err(|e| io(&path, e))
}

/// A URL must not carry its password: the password goes to the keyring or is asked for.
pub fn check_url(url: &str) -> Result<(), CommandError> {
    let rest = url
        .strip_prefix("postgres://")
        .or_else(|| url.strip_prefix("postgresql://"))
        .ok_or_else(|| {
            CommandError::new(
                ErrorKind::InvalidInput,
                "the URL must start with postgres:// or postgresql://",
            )
        })?;
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    if let Some((userinfo, _)) = authority.rsplit_once('@') {
        if userinfo.contains(':') {
            return Err(CommandError::new(
                ErrorKind::InvalidInput,
                "put the password in the password field, not in the URL",
            ));
        }
    }
    Ok(())
}

/// Whether an OS keyring can be used here, and if not, why.
pub fn keyring_status() -> (bool, Option<String>) {
    match keyring::Entry::new(KEYRING_SERVICE, "availability-probe").and_then(|e| e.get_password())
    {
        Ok(_) | Err(keyring::Error::NoEntry) => (true, None),
        Err(e) => (
            false,
            Some(format!(
                "no OS keyring available ({e}): the password will be asked each time"
            )),
        ),
    }
}

pub fn keyring_password(url: &str) -> Option<String> {
    keyring::Entry::new(KEYRING_SERVICE, url)
        .and_then(|e| e.get_password())
        .ok()
}

pub fn store_password(url: &str, password: &str) -> Result<(), CommandError> {
    keyring::Entry::new(KEYRING_SERVICE, url)
        .and_then(|e| e.set_password(password))
        .map_err(|e| {
            CommandError::new(
                ErrorKind::Unavailable,
                format!("could not store the password in the OS keyring: {e}"),
            )
        })
}

pub fn forget_password(url: &str) {
    if let Ok(entry) = keyring::Entry::new(KEYRING_SERVICE, url) {
        // Nothing stored is fine.
        let _ = entry.delete_credential();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_with_a_password_is_refused() {
        assert!(check_url("postgres://me@db:5432/dtrag").is_ok());
        assert!(check_url("postgresql://db/dtrag?sslmode=require").is_ok());
        let err = check_url("postgres://me:secret@db/dtrag").unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidInput);
        assert!(err.message.contains("password field"));
        assert!(check_url("mysql://db")
            .unwrap_err()
            .message
            .contains("postgres://"));
    }

    #[test]
    fn a_corrupt_settings_file_is_an_error_not_no_connection() {
        let dir = std::env::temp_dir().join(format!("dtrag-settings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let file = dir.join("connection.json");
        assert_eq!(saved_url_in(&file).expect("missing is fine"), None);
        std::fs::write(&file, "{\"url\": \"postgres://db/x\"}").expect("write");
        assert_eq!(
            saved_url_in(&file).expect("readable"),
            Some("postgres://db/x".to_string())
        );
        std::fs::write(&file, "{not json").expect("write");
        let err = saved_url_in(&file).expect_err("corrupt");
        assert_eq!(err.kind, ErrorKind::InvalidInput);
        assert!(err.message.contains("unreadable"), "{}", err.message);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn keyring_status_explains_itself_when_unavailable() {
        let (available, message) = keyring_status();
        // Either a keyring answers here, or the message says the password will be asked each time.
        assert!(available || message.is_some_and(|m| m.contains("asked each time")));
    }
}
