//! Versions: the head, one version, all of them, and [`At`] — a version resolved against the head.

use sqlx::{PgConnection, Row};

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

fn version_from_row(r: &sqlx::postgres::PgRow) -> Result<Version> {
    let kind: String = r.try_get("kind")?;
    Ok(Version {
        version: r.try_get("version")?,
        parent_version: r.try_get("parent_version")?,
        created_at: r.try_get("created_at")?,
        author: r.try_get("author")?,
        message: r.try_get("message")?,
        kind: VersionKind::parse(&kind)
            .ok_or_else(|| Error::Internal(format!("unknown version kind {kind:?}")))?,
        restored_from: r.try_get("restored_from")?,
    })
}

pub async fn versions(conn: &mut PgConnection) -> Result<Vec<Version>> {
    let rows = sqlx::query(
        "SELECT version, parent_version, created_at, author, message, kind, restored_from
         FROM taxonomy_version ORDER BY version",
    )
    .fetch_all(conn)
    .await?;
    rows.iter().map(version_from_row).collect()
}

pub async fn version(conn: &mut PgConnection, v: i64) -> Result<Version> {
    let row = sqlx::query(
        "SELECT version, parent_version, created_at, author, message, kind, restored_from
         FROM taxonomy_version WHERE version = $1",
    )
    .bind(v)
    .fetch_optional(conn)
    .await?
    .ok_or(Error::NoSuchVersion(v))?;
    version_from_row(&row)
}
