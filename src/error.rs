//! Typed errors of the library. The CLI and the desktop shell turn them into messages; every variant
//! that a user can cause names what was wrong (the line, the node, the version) so it can be fixed.

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),

    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),

    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },

    #[error("embedded database: {0}")]
    Embedded(String),

    #[error("{file}:{line}: {message}")]
    BadInput {
        file: String,
        line: usize,
        message: String,
    },

    #[error("invalid taxonomy: {0}")]
    Invalid(String),

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

    #[error(transparent)]
    Embed(#[from] crate::embed::EmbedError),

    #[error("{0}")]
    Search(String),

    #[error("operation {index} ({op}): {message}")]
    BadEdit {
        index: usize,
        op: String,
        message: String,
    },
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
}
