//! Ingestion: one transaction per `add`, in batches of set-based statements.

use std::collections::HashMap;

use serde::Serialize;
use sqlx::{PgConnection, PgPool};

use super::{chunk, ChunkSettings, DocInput};
use crate::error::{Error, Result};
use crate::taxonomy::read;

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IngestReport {
    pub added: usize,
    pub replaced: usize,
    pub unchanged: usize,
    pub chunks_written: usize,
}

/// Documents per batch: a batch costs a handful of statements however many documents it holds.
const BATCH_DOCS: usize = 2_000;
/// A batch also ends once its texts reach this many bytes, which bounds memory and statement size.
const BATCH_BYTES: usize = 16 << 20;
/// Chunk rows per `INSERT` statement.
const CHUNK_ROWS: usize = 5_000;

/// Ingests `docs` in one transaction, in batches of a few thousand documents (each batch a few
/// set-based statements, not a round trip per document). `progress(done, total)` counts documents:
/// it is called with `(0, total)` first, then after each batch, ending at `(total, total)`.
/// If anything fails, nothing is written.
pub async fn add(
    pool: &PgPool,
    docs: &[DocInput],
    settings: ChunkSettings,
    progress: &mut (dyn FnMut(usize, usize) + Send),
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
    let mut done = 0;
    progress(done, docs.len());
    for batch in batches(docs) {
        add_batch(&mut tx, batch, settings, &existing, &mut report).await?;
        done += batch.len();
        progress(done, docs.len());
    }
    tx.commit().await?;
    Ok(report)
}

/// Consecutive slices of at most `BATCH_DOCS` documents and (unless one document alone is
/// larger) `BATCH_BYTES` of text.
fn batches(docs: &[DocInput]) -> Vec<&[DocInput]> {
    let mut out = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (i, d) in docs.iter().enumerate() {
        if i > start && (i - start >= BATCH_DOCS || bytes + d.text.len() > BATCH_BYTES) {
            out.push(&docs[start..i]);
            start = i;
            bytes = 0;
        }
        bytes += d.text.len();
    }
    if start < docs.len() {
        out.push(&docs[start..]);
    }
    out
}

/// What becomes of one input document.
enum Fate {
    Unchanged(i64),
    Replaced(i64),
    Added,
}

/// One batch, in the caller's transaction: look the documents up, replace the changed ones'
/// chunks, insert the new ones, set classifications, insert chunks. Every statement works on the
/// whole batch; the BM25 statistics triggers (statement level, with transition tables) run once
/// per chunk statement.
async fn add_batch(
    conn: &mut PgConnection,
    batch: &[DocInput],
    settings: ChunkSettings,
    categories: &HashMap<String, i64>,
    report: &mut IngestReport,
) -> Result<()> {
    let sources: Vec<&str> = batch.iter().map(|d| d.source_id.as_str()).collect();
    let texts: Vec<&str> = batch.iter().map(|d| d.text.as_str()).collect();
    // The content hash of every input (PostgreSQL's md5, as stored) and the stored document if any.
    let rows: Vec<(i64, String, Option<i64>, Option<String>)> = sqlx::query_as(
        "SELECT x.i, md5(x.t), d.id, d.content_hash
         FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS x(s, t, i)
         LEFT JOIN document d ON d.source_id = x.s
         ORDER BY x.i",
    )
    .bind(&sources)
    .bind(&texts)
    .fetch_all(&mut *conn)
    .await?;
    if rows.len() != batch.len() {
        return Err(Error::Internal(format!(
            "document lookup returned {} rows for {} documents",
            rows.len(),
            batch.len()
        )));
    }
    let mut fates = Vec::with_capacity(batch.len());
    let mut hashes = Vec::with_capacity(batch.len());
    for (_, hash, id, stored) in rows {
        fates.push(match (id, stored) {
            (Some(id), Some(stored)) if stored == hash => Fate::Unchanged(id),
            (Some(id), _) => Fate::Replaced(id),
            (None, _) => Fate::Added,
        });
        hashes.push(hash);
    }

    // Changed content: the old chunks go (one statement), titles and hashes are updated.
    let (mut r_id, mut r_title, mut r_hash) = (Vec::new(), Vec::new(), Vec::new());
    let (mut a_src, mut a_title, mut a_hash) = (Vec::new(), Vec::new(), Vec::new());
    for ((d, fate), hash) in batch.iter().zip(&fates).zip(&hashes) {
        match fate {
            Fate::Unchanged(_) => report.unchanged += 1,
            Fate::Replaced(id) => {
                r_id.push(*id);
                r_title.push(d.title.as_str());
                r_hash.push(hash.as_str());
                report.replaced += 1;
            }
            Fate::Added => {
                a_src.push(d.source_id.as_str());
                a_title.push(d.title.as_str());
                a_hash.push(hash.as_str());
                report.added += 1;
            }
        }
    }
    if !r_id.is_empty() {
        sqlx::query("DELETE FROM chunk WHERE document_id = ANY($1::int8[])")
            .bind(&r_id)
            .execute(&mut *conn)
            .await?;
        sqlx::query(
            "UPDATE document d SET title = x.title, content_hash = x.hash, updated_at = now()
             FROM unnest($1::int8[], $2::text[], $3::text[]) AS x(id, title, hash)
             WHERE d.id = x.id",
        )
        .bind(&r_id)
        .bind(&r_title)
        .bind(&r_hash)
        .execute(&mut *conn)
        .await?;
    }
    let mut added: HashMap<String, i64> = HashMap::new();
    if !a_src.is_empty() {
        added = sqlx::query_as::<_, (String, i64)>(
            "INSERT INTO document (source_id, title, content_hash)
             SELECT x.s, x.title, x.hash
             FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS x(s, title, hash, i)
             ORDER BY x.i
             RETURNING source_id, id",
        )
        .bind(&a_src)
        .bind(&a_title)
        .bind(&a_hash)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .collect();
    }
    let mut ids = Vec::with_capacity(batch.len());
    for (d, fate) in batch.iter().zip(&fates) {
        ids.push(match fate {
            Fate::Unchanged(id) | Fate::Replaced(id) => *id,
            Fate::Added => *added.get(&d.source_id).ok_or_else(|| {
                Error::Internal(format!("document {:?} was not inserted", d.source_id))
            })?,
        });
    }

    // Human classifications from the file: rows the file no longer names are superseded (never
    // deleted), the missing ones are added as accepted; a suggestion or an earlier decision on
    // the same (document, category) gives way to the file. Unchanged ones write nothing.
    let (mut c_doc, mut c_node) = (Vec::new(), Vec::new());
    for (d, id) in batch.iter().zip(&ids) {
        for node in d.categories.iter().filter_map(|k| categories.get(k)) {
            c_doc.push(*id);
            c_node.push(*node);
        }
    }
    sqlx::query(
        "UPDATE classification c SET status = 'superseded'
         WHERE c.document_id = ANY($1::int8[]) AND c.status <> 'superseded'
           AND ((c.method = 'import'
                 AND NOT EXISTS (SELECT 1 FROM unnest($2::int8[], $3::int8[]) AS x(d, n)
                                 WHERE x.d = c.document_id AND x.n = c.node_id))
             OR (c.method <> 'import'
                 AND EXISTS (SELECT 1 FROM unnest($2::int8[], $3::int8[]) AS x(d, n)
                             WHERE x.d = c.document_id AND x.n = c.node_id)))",
    )
    .bind(&ids)
    .bind(&c_doc)
    .bind(&c_node)
    .execute(&mut *conn)
    .await?;
    if !c_doc.is_empty() {
        sqlx::query(
            "INSERT INTO classification
                 (document_id, node_id, confidence, source, method, taxonomy_version, status)
             SELECT x.d, x.n, 1, 'human', 'import', (SELECT max(version) FROM taxonomy_version),
                    'accepted'
             FROM unnest($1::int8[], $2::int8[]) AS x(d, n)
             ON CONFLICT (document_id, node_id) WHERE status <> 'superseded' DO NOTHING",
        )
        .bind(&c_doc)
        .bind(&c_node)
        .execute(&mut *conn)
        .await?;
    }

    // Chunks of the added and replaced documents, a few thousand rows per statement.
    let mut rows = ChunkRows::default();
    for ((d, fate), id) in batch.iter().zip(&fates).zip(&ids) {
        if matches!(fate, Fate::Unchanged(_)) {
            continue;
        }
        for (ord, text) in chunk::chunk_text(&d.text, settings).into_iter().enumerate() {
            let ord = i32::try_from(ord).map_err(|_| {
                Error::Invalid(format!("document {:?} has too many chunks", d.source_id))
            })?;
            rows.doc.push(*id);
            rows.ord.push(ord);
            rows.text.push(text);
            if rows.text.len() >= CHUNK_ROWS {
                report.chunks_written += rows.insert(&mut *conn).await?;
            }
        }
    }
    report.chunks_written += rows.insert(&mut *conn).await?;
    Ok(())
}

/// Chunk rows waiting to be inserted.
#[derive(Default)]
struct ChunkRows {
    doc: Vec<i64>,
    ord: Vec<i32>,
    text: Vec<String>,
}

impl ChunkRows {
    /// Inserts the rows in one statement (the statistics triggers run once for all of them) and
    /// empties the buffer; returns how many rows were written.
    async fn insert(&mut self, conn: &mut PgConnection) -> Result<usize> {
        let n = self.text.len();
        if n == 0 {
            return Ok(0);
        }
        sqlx::query(
            "INSERT INTO chunk (document_id, ordinal, text, tsv, length)
             SELECT x.d, x.o, x.t, v.tsv,
                    (SELECT coalesce(sum(array_length(u.positions, 1)), 0) FROM unnest(v.tsv) AS u)
             FROM unnest($1::int8[], $2::int4[], $3::text[]) AS x(d, o, t)
             CROSS JOIN LATERAL (SELECT to_tsvector('english', x.t) AS tsv) v",
        )
        .bind(&self.doc)
        .bind(&self.ord)
        .bind(&self.text)
        .execute(&mut *conn)
        .await?;
        self.doc.clear();
        self.ord.clear();
        self.text.clear();
        Ok(n)
    }
}
