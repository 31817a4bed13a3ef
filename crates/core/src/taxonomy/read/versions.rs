//! Versions: the head, one version, all of them, and [`At`] — a version resolved against the head.

use sqlx::PgConnection;

use crate::error::{Error, Result};
use crate::taxonomy::model::{Version, VersionKind};

/// A version that exists, with the head it was resolved against. Reads take one, so whether a
/// read can use the head's indexes is decided here, once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct At {
    pub version: i64,
    pub head: i64,
}

impl At {
    /// `requested` (default: the head), refused when it does not exist.
    pub async fn resolve(conn: &mut PgConnection, requested: Option<i64>) -> Result<At> {
        let head = head_version(&mut *conn).await?;
        let version = requested.unwrap_or(head);
        if version < 0 || version > head {
            return Err(Error::NoSuchVersion(version));
        }
        Ok(At { version, head })
    }

    /// The head itself, for a caller that holds the publish lock and so knows it.
    pub fn head(head: i64) -> At {
        At {
            version: head,
            head,
        }
    }

    pub fn is_head(self) -> bool {
        self.version == self.head
    }
}

pub async fn head_version(conn: &mut PgConnection) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT max(version) FROM taxonomy_version")
            .fetch_one(conn)
            .await?,
    )
}

/// The columns every version read selects.
const VERSION_COLUMNS: &str =
    "version, parent_version, created_at, author, message, kind, restored_from";

/// A `taxonomy_version` row; `kind` is checked into a [`VersionKind`] by [`TryFrom`].
#[derive(sqlx::FromRow)]
struct VersionRow {
    version: i64,
    parent_version: Option<i64>,
    created_at: chrono::DateTime<chrono::Utc>,
    author: String,
    message: String,
    kind: String,
    restored_from: Option<i64>,
}

impl TryFrom<VersionRow> for Version {
    type Error = Error;

    fn try_from(r: VersionRow) -> Result<Version> {
        Ok(Version {
            kind: VersionKind::parse(&r.kind)
                .ok_or_else(|| Error::Internal(format!("unknown version kind {:?}", r.kind)))?,
            version: r.version,
            parent_version: r.parent_version,
            created_at: r.created_at,
            author: r.author,
            message: r.message,
            restored_from: r.restored_from,
        })
    }
}

pub async fn versions(conn: &mut PgConnection) -> Result<Vec<Version>> {
    let rows: Vec<VersionRow> = sqlx::query_as(&format!(
        "SELECT {VERSION_COLUMNS} FROM taxonomy_version ORDER BY version"
    ))
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(Version::try_from).collect()
}

/// When version `v` was published and the language of its labels (`None`: never said).
pub async fn version_language(
    conn: &mut PgConnection,
    v: i64,
) -> Result<(chrono::DateTime<chrono::Utc>, Option<String>)> {
    sqlx::query_as("SELECT created_at, language FROM taxonomy_version WHERE version = $1")
        .bind(v)
        .fetch_optional(conn)
        .await?
        .ok_or(Error::NoSuchVersion(v))
}

pub async fn version(conn: &mut PgConnection, v: i64) -> Result<Version> {
    let row: VersionRow = sqlx::query_as(&format!(
        "SELECT {VERSION_COLUMNS} FROM taxonomy_version WHERE version = $1"
    ))
    .bind(v)
    .fetch_optional(conn)
    .await?
    .ok_or(Error::NoSuchVersion(v))?;
    Version::try_from(row)
}
