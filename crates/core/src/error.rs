//! Typed errors of the library. Every error has a [`ErrorKind`] from a closed set — what a caller
//! (the CLI's exit path, the desktop UI, a script reading `--json`) can branch on — and a message
//! that names what was wrong (the line, the node, the version) so it can be fixed.
//!
//! A variant is added only when it carries data someone reads (a cycle's path, a conflict's keys)
//! or reads better; a kind is added only when a caller branches on it.

use serde::{Deserialize, Serialize};

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What kind of failure an error is: the closed set the faces branch on (exported to TypeScript
/// as a union; the UI switches on it exhaustively).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ErrorKind {
    /// A node, version, document or model that does not exist.
    NotFound,
    /// A request or a file the rules refuse (a malformed line, a bad parameter, a bad edit).
    InvalidInput,
    /// An edge that would close a cycle; the error carries the path.
    Cycle,
    /// A change based on a version that is no longer the head, touching nodes changed since;
    /// the error carries their keys.
    Conflict,
    /// The database is busy with a conflicting transaction (lock, serialisation): try again.
    Busy,
    /// The database or an embeddings endpoint cannot be reached, or is not ready for us.
    Unavailable,
    /// Credentials were refused (a database password, an endpoint's API key).
    Unauthorized,
    /// The embedding model could not be loaded or failed.
    Embedding,
    /// A file could not be read or written.
    Io,
    /// Anything else: an unexpected database error or a bug.
    Internal,
}

impl ErrorKind {
    /// Every kind, in declaration order (tests and documentation walk it).
    pub const ALL: [ErrorKind; 10] = [
        ErrorKind::NotFound,
        ErrorKind::InvalidInput,
        ErrorKind::Cycle,
        ErrorKind::Conflict,
        ErrorKind::Busy,
        ErrorKind::Unavailable,
        ErrorKind::Unauthorized,
        ErrorKind::Embedding,
        ErrorKind::Io,
        ErrorKind::Internal,
    ];

    /// The name used in JSON and TypeScript (`not_found`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::NotFound => "not_found",
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::Cycle => "cycle",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Busy => "busy",
            ErrorKind::Unavailable => "unavailable",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::Embedding => "embedding",
            ErrorKind::Io => "io",
            ErrorKind::Internal => "internal",
        }
    }
}

impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The database said no or could not be reached; the kind depends on what it said.
    #[error("database error: {0}")]
    Db(#[source] sqlx::Error),

    #[error("migration error: {0}")]
    Migrate(#[source] sqlx::migrate::MigrateError),

    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },

    /// The embedded PostgreSQL could not be set up, started or stopped.
    #[error("embedded database: {0}")]
    Embedded(String),

    /// A line of an input file the rules refuse.
    #[error("{file}:{line}: {message}")]
    BadInput {
        file: String,
        line: usize,
        message: String,
    },

    /// A file that does not parse, at a line and column (both from 1): RDF syntax, XML, JSON.
    #[error("{file}:{line}:{column}: {message}")]
    Syntax {
        file: String,
        line: u64,
        column: u64,
        message: String,
    },

    /// A request the rules refuse (the message says which rule).
    #[error("{0}")]
    Invalid(String),

    /// A chat endpoint (answers) failed or refused.
    #[error(transparent)]
    Chat(#[from] dtrag_llm::ChatError),

    /// Something named that does not exist (`what` is "document", "embedding model", …).
    #[error("no {what}{}{hint}", quoted(name))]
    NotFound {
        what: &'static str,
        name: String,
        /// Appended as is: how to find or create one (may be empty).
        hint: String,
    },

    #[error("cycle refused: {}", .path.join(" -> "))]
    Cycle { path: Vec<String> },

    #[error("version {0} does not exist")]
    NoSuchVersion(i64),

    #[error("node {key:?} does not exist at version {version}")]
    NoSuchNode { key: String, version: i64 },

    #[error(
        "conflict: the change set was based on version {base} but version {head} is the head, and \
         these nodes changed since: {}", .keys.join(", ")
    )]
    Conflict {
        base: i64,
        head: i64,
        keys: Vec<String>,
    },

    /// A review decision on an item someone else decided, holds, or that changed since it was read.
    #[error("conflict: review item {item} {reason}")]
    ReviewConflict { item: i64, reason: String },

    /// The database at a URL is not migrated to what this build expects.
    #[error("the database has {0} pending migration(s): run `dtrag db migrate` first")]
    PendingMigrations(usize),

    #[error(transparent)]
    Embed(#[from] dtrag_embed::EmbedError),

    #[error("operation {index} ({op}): {message}")]
    BadEdit {
        index: usize,
        op: String,
        message: String,
    },

    /// Every connection the server (or the database, or the role) allows was in use for as
    /// long as we waited (`db::sizing::CONNECT_WAIT`).
    #[error(
        "the database is busy: no connection was free within {:.1} s ({reason}); try again, or \
         raise the server's max_connections", *.waited_ms as f64 / 1e3
    )]
    ServerBusy { waited_ms: u64, reason: String },

    /// A failure that is a bug or an unexpected state (a task that panicked, a poisoned lock).
    #[error("internal error: {0}")]
    Internal(String),
}

/// ` "name"`, or nothing for an unnamed thing ("no default embedding model").
fn quoted(name: &str) -> String {
    if name.is_empty() {
        String::new()
    } else {
        format!(" {name:?}")
    }
}

impl From<sqlx::Error> for Error {
    /// A pool that timed out handing out a connection (after the first, which
    /// `db::busy::open_pool` explains) is a busy database too: every pool waits
    /// `db::sizing::CONNECT_WAIT`, and the caller should hear "busy, try again", not "down".
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::PoolTimedOut => Error::ServerBusy {
                waited_ms: crate::db::sizing::CONNECT_WAIT.as_millis() as u64,
                reason: "every connection this client may open stayed in use, or the server \
                         admitted no new one"
                    .into(),
            },
            e => Error::Db(e),
        }
    }
}

impl From<sqlx::migrate::MigrateError> for Error {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        Error::Migrate(e)
    }
}

impl Error {
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    pub fn io_path(path: &std::path::Path, source: std::io::Error) -> Self {
        Error::io(path.display().to_string(), source)
    }

    pub fn bad_input(file: &std::path::Path, line: usize, message: impl Into<String>) -> Self {
        Error::BadInput {
            file: file.display().to_string(),
            line,
            message: message.into(),
        }
    }

    pub fn not_found(what: &'static str, name: impl Into<String>) -> Self {
        Error::NotFound {
            what,
            name: name.into(),
            hint: String::new(),
        }
    }

    /// The kind a caller branches on.
    pub fn kind(&self) -> ErrorKind {
        use dtrag_embed::EmbedError as E;
        match self {
            Error::Db(e) => db_kind(e),
            Error::Migrate(_) | Error::Internal(_) => ErrorKind::Internal,
            Error::Io { .. } => ErrorKind::Io,
            Error::Embedded(_) | Error::PendingMigrations(_) => ErrorKind::Unavailable,
            Error::BadInput { .. }
            | Error::Syntax { .. }
            | Error::Invalid(_)
            | Error::BadEdit { .. } => ErrorKind::InvalidInput,
            Error::NotFound { .. } | Error::NoSuchVersion(_) | Error::NoSuchNode { .. } => {
                ErrorKind::NotFound
            }
            Error::Cycle { .. } => ErrorKind::Cycle,
            Error::ServerBusy { .. } => ErrorKind::Busy,
            Error::Conflict { .. } | Error::ReviewConflict { .. } => ErrorKind::Conflict,
            Error::Chat(e) => match e {
                dtrag_llm::ChatError::BadKey { .. } | dtrag_llm::ChatError::NoKey(_) => {
                    ErrorKind::Unauthorized
                }
                dtrag_llm::ChatError::Endpoint { .. } | dtrag_llm::ChatError::BadResponse(_) => {
                    ErrorKind::Unavailable
                }
                dtrag_llm::ChatError::Keyring { .. } => ErrorKind::Unauthorized,
            },
            Error::Embed(e) => match e {
                E::BadKey { .. } | E::NoKey(_) => ErrorKind::Unauthorized,
                E::Endpoint { .. } => ErrorKind::Unavailable,
                E::ModelMissing { .. }
                | E::ModelLoad(_)
                | E::Inference(_)
                | E::Dimensions { .. }
                | E::BadResponse(_)
                | E::Keyring { .. } => ErrorKind::Embedding,
            },
        }
    }
}

/// PostgreSQL's SQLSTATE classes decide: 28 (authorisation), 40 / 55P03 (serialisation,
/// deadlock, lock not available), 08 / 57P0x (connection, shutdown), 53100 (the server's disk is
/// full: an I/O failure); a dropped or timed-out connection is unavailability too.
fn db_kind(e: &sqlx::Error) -> ErrorKind {
    match e {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => ErrorKind::Unavailable,
        sqlx::Error::Configuration(_) => ErrorKind::InvalidInput,
        sqlx::Error::RowNotFound => ErrorKind::NotFound,
        sqlx::Error::Database(d) => {
            let code = d.code().unwrap_or_default();
            match code.get(..2).unwrap_or_default() {
                "28" => ErrorKind::Unauthorized,
                "40" => ErrorKind::Busy,
                "08" => ErrorKind::Unavailable,
                _ if code == "55P03" => ErrorKind::Busy,
                // 53100 disk_full: the server could not write a file (the message names it).
                _ if code == "53100" => ErrorKind::Io,
                _ if code.starts_with("57P") => ErrorKind::Unavailable,
                _ => ErrorKind::Internal,
            }
        }
        _ => ErrorKind::Internal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_are_the_serde_names() {
        for kind in ErrorKind::ALL {
            let json = serde_json::to_value(kind).expect("serialise");
            assert_eq!(json, serde_json::Value::String(kind.as_str().into()));
        }
    }

    #[test]
    fn every_variant_has_the_kind_a_caller_expects() {
        let cases = [
            (Error::Cycle { path: vec![] }, ErrorKind::Cycle),
            (Error::NoSuchVersion(3), ErrorKind::NotFound),
            (Error::not_found("document", "x"), ErrorKind::NotFound),
            (Error::Invalid("k".into()), ErrorKind::InvalidInput),
            (Error::PendingMigrations(1), ErrorKind::Unavailable),
            (Error::Db(sqlx::Error::PoolTimedOut), ErrorKind::Unavailable),
            (Error::from(sqlx::Error::PoolTimedOut), ErrorKind::Busy),
            (
                Error::Embed(dtrag_embed::EmbedError::NoKey("m".into())),
                ErrorKind::Unauthorized,
            ),
            (Error::Internal("x".into()), ErrorKind::Internal),
            (
                Error::ServerBusy {
                    waited_ms: 1,
                    reason: "x".into(),
                },
                ErrorKind::Busy,
            ),
        ];
        for (error, kind) in cases {
            assert_eq!(error.kind(), kind, "{error}");
        }
    }
}
