//! The documents held: list, show, remove.

use serde::Serialize;
use sqlx::{PgConnection, PgPool};

use crate::error::{Error, Result};

/// A document as [`SUMMARY`] reads it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DocSummary {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    pub source_id: String,
    pub title: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub chunks: i64,
    pub categories: Vec<String>,
}

const SUMMARY: &str = "SELECT d.id, d.source_id, d.title,
        (SELECT count(*) FROM chunk c WHERE c.document_id = d.id) AS chunks,
        ARRAY(SELECT n.key FROM document_category dc JOIN node n ON n.id = dc.node_id
              WHERE dc.document_id = d.id ORDER BY n.key) AS categories
    FROM document d";

pub async fn list(conn: &mut PgConnection) -> Result<Vec<DocSummary>> {
    Ok(sqlx::query_as(&format!("{SUMMARY} ORDER BY d.source_id"))
        .fetch_all(conn)
        .await?)
}

/// A document with its chunks' texts.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DocumentDetails {
    pub document: DocSummary,
    pub chunks: Vec<String>,
}

/// The id of the document `which` names: its source id, or else — when no document has that
/// source id and it is a number — its id. One document at most, so a source id that looks like
/// another document's id can never reach two.
async fn resolve(conn: &mut PgConnection, which: &str) -> Result<i64> {
    let by_source: Option<i64> = sqlx::query_scalar("SELECT id FROM document WHERE source_id = $1")
        .bind(which)
        .fetch_optional(&mut *conn)
        .await?;
    let found = match (by_source, which.trim().parse::<i64>()) {
        (Some(id), _) => Some(id),
        (None, Ok(id)) => {
            sqlx::query_scalar("SELECT id FROM document WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?
        }
        (None, Err(_)) => None,
    };
    found.ok_or_else(|| Error::NotFound {
        what: "document",
        name: which.to_string(),
        hint: ": see `dtrag docs list`".into(),
    })
}

/// A document with its chunks' texts, by source id or id.
pub async fn show(conn: &mut PgConnection, which: &str) -> Result<DocumentDetails> {
    let id = resolve(&mut *conn, which).await?;
    let document: DocSummary = sqlx::query_as(&format!("{SUMMARY} WHERE d.id = $1"))
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    let chunks: Vec<String> =
        sqlx::query_scalar("SELECT text FROM chunk WHERE document_id = $1 ORDER BY ordinal")
            .bind(id)
            .fetch_all(conn)
            .await?;
    Ok(DocumentDetails { document, chunks })
}

/// Removes one document (by source id or id) with its chunks and classifications; returns what
/// was removed.
pub async fn remove(pool: &PgPool, which: &str) -> Result<DocSummary> {
    let mut tx = pool.begin().await?;
    let id = resolve(&mut tx, which).await?;
    let removed: DocSummary = sqlx::query_as(&format!("{SUMMARY} WHERE d.id = $1"))
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM document WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(removed)
}
