//! How `pg_dump` and `pg_restore` reach a database: a libpq connection URI without its password
//! (argv is readable by every local user) and the password in `PGPASSWORD`.

use std::path::{Path, PathBuf};

use tokio::process::Command;

/// A database as the PostgreSQL client programs reach it.
#[derive(Debug, Clone)]
pub struct Client {
    uri: String,
    password: Option<String>,
    bindir: PathBuf,
}

impl Client {
    /// `url` (a `postgres://` URL as sqlx takes it; a password in it is moved out), `password`
    /// (wins over the URL's), and the folder of the client programs.
    pub fn new(url: &str, password: Option<&str>, bindir: &Path) -> Self {
        let (uri, from_url) = split_password(url);
        Client {
            uri,
            password: password.map(str::to_string).or(from_url),
            bindir: bindir.to_path_buf(),
        }
    }

    /// `program` (`pg_dump`, `pg_restore`) with the connection in its environment; the caller
    /// adds `--dbname` from [`Client::uri`] where the program connects.
    pub fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(self.bindir.join(program));
        cmd.env("PGCONNECT_TIMEOUT", "15")
            .env_remove("PGPASSWORD")
            .kill_on_drop(true);
        if let Some(p) = &self.password {
            cmd.env("PGPASSWORD", p);
        }
        cmd
    }

    pub fn uri(&self) -> &str {
        &self.uri
    }
}

/// The URL without the password in its user info, and the password (percent-decoded).
fn split_password(url: &str) -> (String, Option<String>) {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return (url.to_string(), None);
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return (url.to_string(), None);
    };
    let userinfo = &rest[..at];
    let Some((user, password)) = userinfo.split_once(':') else {
        return (url.to_string(), None);
    };
    let stripped = format!("{}{user}{}", &url[..scheme_end], &rest[at..]);
    (stripped, Some(percent_decode(password)))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::split_password;

    #[test]
    fn the_password_leaves_the_url() {
        assert_eq!(
            split_password("postgres://u:p%40ss@h:5/db?sslmode=require"),
            (
                "postgres://u@h:5/db?sslmode=require".into(),
                Some("p@ss".into())
            )
        );
        assert_eq!(
            split_password("postgres://postgres@localhost/dtrag?host=/tmp/x"),
            (
                "postgres://postgres@localhost/dtrag?host=/tmp/x".into(),
                None
            )
        );
        assert_eq!(
            split_password("postgres:///db"),
            ("postgres:///db".into(), None)
        );
    }
}
