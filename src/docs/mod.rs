//! Documents: ingestion from files (text, Markdown) and JSON Lines, chunking, classification
//! under taxonomy categories, listing and removal. Re-adding a changed document replaces its chunks;
//! re-adding an unchanged one changes nothing. A whole `add` is one transaction: a bad file or an
//! unknown category leaves the database as it was.

pub mod chunk;

use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool, Row};

use crate::error::{Error, Result};
use crate::taxonomy::read;
pub use chunk::ChunkSettings;

/// A document to ingest.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocInput {
    /// Stable identity (the file path, or the record's `id`).
    #[serde(rename = "id")]
    pub source_id: String,
    #[serde(default)]
    pub title: String,
    pub text: String,
    /// Category keys (taxonomy nodes at the head).
    #[serde(default)]
    pub categories: Vec<String>,
}

/// Reads documents from paths: `.jsonl` files hold records `{"id","title","text","categories"}`;
/// any other file is one document of plain text or Markdown (title: its first heading, else the
/// file name).
pub fn read_inputs(paths: &[impl AsRef<Path>]) -> Result<Vec<DocInput>> {
    let mut out = Vec::new();
    for p in paths {
        let path = p.as_ref();
        if path.extension().is_some_and(|e| e == "jsonl") {
            let f = std::fs::File::open(path).map_err(|e| Error::io_path(path, e))?;
            for (i, line) in std::io::BufReader::new(f).lines().enumerate() {
                let line = line.map_err(|e| Error::io_path(path, e))?;
                if line.trim().is_empty() {
                    continue;
                }
                let mut doc: DocInput = serde_json::from_str(&line).map_err(|e| {
                    Error::bad_input(path, i + 1, format!("malformed document: {e}"))
                })?;
                if doc.source_id.trim().is_empty() {
                    return Err(Error::bad_input(path, i + 1, "the document id is empty"));
                }
                if doc.title.trim().is_empty() {
                    doc.title = doc.source_id.clone();
                }
                out.push(doc);
            }
        } else {
            let bytes = std::fs::read(path).map_err(|e| Error::io_path(path, e))?;
            let text = String::from_utf8(bytes)
                .map_err(|_| Error::bad_input(path, 0, "not UTF-8 text"))?;
            let title = text
                .lines()
                .map(str::trim)
                .find(|l| l.starts_with('#'))
                .map(|l| l.trim_start_matches('#').trim().to_string())
                .filter(|t| !t.is_empty())
                .or_else(|| path.file_stem().map(|s| s.to_string_lossy().to_string()))
                .unwrap_or_else(|| path.display().to_string());
            out.push(DocInput {
                source_id: path.display().to_string(),
                title,
                text,
                categories: Vec::new(),
            });
        }
    }
    Ok(out)
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct IngestReport {
    pub added: usize,
    pub replaced: usize,
    pub unchanged: usize,
    pub chunks_written: usize,
}

/// Ingests `docs` in one transaction. `progress(done, total)` is called as documents are prepared.
pub async fn add(
    pool: &PgPool,
    docs: &[DocInput],
    settings: ChunkSettings,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<IngestReport> {
    settings.check().map_err(Error::Invalid)?;
    let mut seen = HashMap::new();
    for (i, d) in docs.iter().enumerate() {
        if let Some(first) = seen.insert(d.source_id.as_str(), i) {
            return Err(Error::Invalid(format!(
                "document {:?} is given twice (inputs {} and {})",
                d.source_id,
                first + 1,
                i + 1
            )));
        }
    }
    let mut tx = pool.begin().await?;
    // Categories must exist at the head.
    let mut wanted: Vec<String> = docs
        .iter()
        .flat_map(|d| d.categories.iter().cloned())
        .collect();
    wanted.sort();
    wanted.dedup();
    let head = read::head_version(&mut tx).await?;
    let existing: HashMap<String, i64> = sqlx::query_as::<_, (String, i64)>(
        "SELECT n.key, n.id FROM node n JOIN node_state s ON s.node_id = n.id AND upper_inf(s.valid)
         WHERE n.key = ANY($1::text[])",
    )
    .bind(&wanted)
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .collect();
    if let Some(missing) = wanted.iter().find(|k| !existing.contains_key(*k)) {
        let doc = docs
            .iter()
            .find(|d| d.categories.contains(missing))
            .map(|d| d.source_id.as_str())
            .unwrap_or_default();
        return Err(Error::Invalid(format!(
            "document {doc:?}: category {missing:?} does not exist at version {head}"
        )));
    }

    let mut report = IngestReport::default();
    let (mut c_doc, mut c_ord, mut c_text) = (Vec::new(), Vec::new(), Vec::new());
    for (i, d) in docs.iter().enumerate() {
        let row: Option<(i64, bool)> =
            sqlx::query_as("SELECT id, content_hash = md5($2) FROM document WHERE source_id = $1")
                .bind(&d.source_id)
                .bind(&d.text)
                .fetch_optional(&mut *tx)
                .await?;
        let id = match row {
            Some((id, true)) => {
                report.unchanged += 1;
                set_categories(&mut tx, id, &d.categories, &existing).await?;
                progress(i + 1, docs.len());
                continue;
            }
            Some((id, false)) => {
                sqlx::query("DELETE FROM chunk WHERE document_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "UPDATE document SET title = $2, content_hash = md5($3), updated_at = now() WHERE id = $1",
                )
                .bind(id)
                .bind(&d.title)
                .bind(&d.text)
                .execute(&mut *tx)
                .await?;
                report.replaced += 1;
                id
            }
            None => {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO document (source_id, title, content_hash) VALUES ($1, $2, md5($3)) RETURNING id",
                )
                .bind(&d.source_id)
                .bind(&d.title)
                .bind(&d.text)
                .fetch_one(&mut *tx)
                .await?;
                report.added += 1;
                id
            }
        };
        set_categories(&mut tx, id, &d.categories, &existing).await?;
        for (ord, text) in chunk::chunk_text(&d.text, settings).into_iter().enumerate() {
            c_doc.push(id);
            c_ord.push(ord as i32);
            c_text.push(text);
        }
        progress(i + 1, docs.len());
    }
    report.chunks_written = c_text.len();
    // All chunks in one statement: the BM25 statistics triggers then run once.
    if !c_text.is_empty() {
        sqlx::query(
            "INSERT INTO chunk (document_id, ordinal, text, tsv, length)
             SELECT x.d, x.o, x.t, v.tsv,
                    (SELECT coalesce(sum(array_length(u.positions, 1)), 0) FROM unnest(v.tsv) AS u)
             FROM unnest($1::int8[], $2::int4[], $3::text[]) AS x(d, o, t)
             CROSS JOIN LATERAL (SELECT to_tsvector('english', x.t) AS tsv) v",
        )
        .bind(&c_doc)
        .bind(&c_ord)
        .bind(&c_text)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(report)
}

async fn set_categories(
    conn: &mut PgConnection,
    doc: i64,
    keys: &[String],
    ids: &HashMap<String, i64>,
) -> Result<()> {
    let node_ids: Vec<i64> = keys.iter().filter_map(|k| ids.get(k).copied()).collect();
    sqlx::query("DELETE FROM document_category WHERE document_id = $1")
        .bind(doc)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO document_category (document_id, node_id)
         SELECT $1, unnest($2::int8[]) ON CONFLICT DO NOTHING",
    )
    .bind(doc)
    .bind(&node_ids)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
pub struct DocSummary {
    pub id: i64,
    pub source_id: String,
    pub title: String,
    pub chunks: i64,
    pub categories: Vec<String>,
}

pub async fn list(conn: &mut PgConnection) -> Result<Vec<DocSummary>> {
    let rows = sqlx::query(
        "SELECT d.id, d.source_id, d.title,
                (SELECT count(*) FROM chunk c WHERE c.document_id = d.id) AS chunks,
                ARRAY(SELECT n.key FROM document_category dc JOIN node n ON n.id = dc.node_id
                      WHERE dc.document_id = d.id ORDER BY n.key) AS categories
         FROM document d ORDER BY d.source_id",
    )
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(DocSummary {
                id: r.try_get("id")?,
                source_id: r.try_get("source_id")?,
                title: r.try_get("title")?,
                chunks: r.try_get("chunks")?,
                categories: r.try_get("categories")?,
            })
        })
        .collect()
}

/// A document with its chunks' texts, by id or source id.
pub async fn show(conn: &mut PgConnection, which: &str) -> Result<(DocSummary, Vec<String>)> {
    let docs = list(&mut *conn).await?;
    let doc = docs
        .into_iter()
        .find(|d| d.source_id == which || d.id.to_string() == which)
        .ok_or_else(|| Error::Invalid(format!("no document {which:?}")))?;
    let chunks: Vec<String> =
        sqlx::query_scalar("SELECT text FROM chunk WHERE document_id = $1 ORDER BY ordinal")
            .bind(doc.id)
            .fetch_all(conn)
            .await?;
    Ok((doc, chunks))
}

/// Removes a document (by id or source id) with its chunks and classifications.
pub async fn remove(pool: &PgPool, which: &str) -> Result<()> {
    let n = sqlx::query("DELETE FROM document WHERE source_id = $1 OR id::text = $1")
        .bind(which)
        .execute(pool)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(Error::Invalid(format!("no document {which:?}")));
    }
    Ok(())
}
