//! What a taxonomy change does to classifications, in the same transaction as its publish, never
//! deleting a row:
//! - a removed category: its documents' rows are superseded and each document gets a
//!   `category_removed` item suggesting the nearest surviving ancestors;
//! - a merge of A into B: A's rows follow to B (nothing to review; an accepted row on A replaces a
//!   pending or rejected one on B);
//! - new children under a category that holds documents: a `category_split` item per document,
//!   suggesting the new children;
//! - a rollback over versions (to, head]: every row and item those versions changed returns to
//!   its state before them, unless a person decided it since.
//!
//! Every change is logged per version (`classification_change`, `review_item_change`), which is
//! what a later rollback reads.

use serde::Serialize;
use sqlx::PgConnection;

use crate::error::Result;

mod diff;
mod rollback;
pub use diff::{of_diff, totals};

/// One taxonomy change and the documents it touches.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImpactEntry {
    pub key: String,
    /// `removed`, `merged`, `split` or `moved`.
    pub change: String,
    pub documents: i64,
    /// A few of the documents (ids as imported).
    pub sample: Vec<String>,
}

/// What a publish did (or, in a preview, would do) to classifications and the queue.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClassificationImpact {
    pub entries: Vec<ImpactEntry>,
    /// Documents sent to review because a category was removed.
    pub sent_to_review: i64,
    /// Classifications carried to the category a removed one was merged into.
    pub carried_by_merge: i64,
    /// Documents sent to review because their category gained children.
    pub split_items: i64,
    /// Rows and items a rollback put back as they were.
    pub restored: i64,
}

impl ClassificationImpact {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.restored == 0
    }
}

/// The change being published.
pub struct Change<'a> {
    pub version: i64,
    /// The head before this publish.
    pub head: i64,
    pub removed: &'a [i64],
    pub added: &'a [i64],
    /// (from, into) node ids, in the order the merges were made.
    pub merges: &'a [(i64, i64)],
    /// For a rollback: the version restored.
    pub restored_from: Option<i64>,
}

const SAMPLE: i64 = 5;

pub async fn on_publish(conn: &mut PgConnection, ch: &Change<'_>) -> Result<ClassificationImpact> {
    let mut out = ClassificationImpact::default();
    if let Some(to) = ch.restored_from {
        out.restored = rollback::restore(conn, ch.version, to, ch.head).await?;
    }
    for &(from, into) in ch.merges {
        let n = merge(conn, ch.version, from, into).await?;
        if n.documents > 0 {
            out.carried_by_merge += n.documents;
            out.entries.push(n);
        }
    }
    if !ch.removed.is_empty() {
        let entries = removed(conn, ch.version, ch.head, ch.removed).await?;
        out.sent_to_review += entries.iter().map(|e| e.documents).sum::<i64>();
        out.entries.extend(entries);
    }
    if !ch.added.is_empty() && ch.restored_from.is_none() {
        let entries = split(conn, ch.version, ch.added).await?;
        out.split_items += entries.iter().map(|e| e.documents).sum::<i64>();
        out.entries.extend(entries);
    }
    Ok(out)
}

/// Supersedes the given rows and logs it.
async fn supersede(conn: &mut PgConnection, version: i64, ids: &[i64]) -> Result<()> {
    sqlx::query(
        "WITH upd AS (
             UPDATE classification c SET status = 'superseded'
             WHERE c.id = ANY($2::int8[]) AND c.status <> 'superseded'
             RETURNING c.id, (SELECT o.status FROM classification o WHERE o.id = c.id) AS before
         )
         INSERT INTO classification_change (version, classification_id, before, after)
         SELECT $1, id, before, 'superseded' FROM upd",
    )
    .bind(version)
    .bind(ids)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct LiveRow {
    id: i64,
    document_id: i64,
    node_id: i64,
    confidence: f32,
}

async fn merge(conn: &mut PgConnection, version: i64, from: i64, into: i64) -> Result<ImpactEntry> {
    let rows: Vec<LiveRow> = sqlx::query_as(
        "SELECT id, document_id, node_id, confidence FROM classification
         WHERE node_id = $1 AND status IN ('accepted', 'auto_accepted', 'pending')
         ORDER BY document_id FOR UPDATE",
    )
    .bind(from)
    .fetch_all(&mut *conn)
    .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    // A document classified under `from` stays classified: where it has a weaker live row on
    // `into` (a pending suggestion, or one a reviewer rejected when they accepted `from`), that
    // row gives way to the copy. Skipping the copy instead superseded the accepted row and left
    // the document under neither category.
    let weaker: Vec<i64> = sqlx::query_scalar(
        "SELECT l.id FROM classification l JOIN classification c ON c.document_id = l.document_id
         WHERE c.id = ANY($1::int8[]) AND c.status IN ('accepted', 'auto_accepted')
           AND l.node_id = $2 AND l.status IN ('pending', 'rejected')
         ORDER BY l.id FOR UPDATE OF l",
    )
    .bind(&ids)
    .bind(into)
    .fetch_all(&mut *conn)
    .await?;
    supersede(conn, version, &weaker).await?;
    // The copies on `into` first (reading the rows' statuses before they are superseded).
    sqlx::query(
        "WITH ins AS (
             INSERT INTO classification (document_id, node_id, confidence, source, method, model_id,
                                         taxonomy_version, status, review_item_id, decided_by,
                                         decided_at, evidence)
             SELECT c.document_id, $3, c.confidence, c.source, 'merge', c.model_id, $1, c.status,
                    c.review_item_id, c.decided_by, c.decided_at, c.evidence
             FROM classification c
             WHERE c.id = ANY($2::int8[])
               AND NOT EXISTS (SELECT 1 FROM classification l
                               WHERE l.document_id = c.document_id AND l.node_id = $3
                                 AND l.status <> 'superseded')
             RETURNING id, status
         )
         INSERT INTO classification_change (version, classification_id, before, after)
         SELECT $1, id, NULL, status FROM ins",
    )
    .bind(version)
    .bind(&ids)
    .bind(into)
    .execute(&mut *conn)
    .await?;
    supersede(conn, version, &ids).await?;
    entry(conn, from, "merged", &rows).await
}

async fn entry(
    conn: &mut PgConnection,
    node: i64,
    change: &str,
    rows: &[LiveRow],
) -> Result<ImpactEntry> {
    let mut docs: Vec<i64> = rows.iter().map(|r| r.document_id).collect();
    docs.dedup();
    let key: String = sqlx::query_scalar("SELECT key FROM node WHERE id = $1")
        .bind(node)
        .fetch_one(&mut *conn)
        .await?;
    let sample: Vec<String> = sqlx::query_scalar(
        "SELECT source_id FROM document WHERE id = ANY($1::int8[]) ORDER BY source_id LIMIT $2",
    )
    .bind(&docs)
    .bind(SAMPLE)
    .fetch_all(&mut *conn)
    .await?;
    Ok(ImpactEntry {
        key,
        change: change.to_string(),
        documents: docs.len() as i64,
        sample,
    })
}

/// Items for the documents of removed categories, suggesting the nearest ancestors that remain.
async fn removed(
    conn: &mut PgConnection,
    version: i64,
    head: i64,
    removed: &[i64],
) -> Result<Vec<ImpactEntry>> {
    let rows: Vec<LiveRow> = sqlx::query_as(
        "SELECT id, document_id, node_id, confidence FROM classification
         WHERE node_id = ANY($1::int8[]) AND status IN ('accepted', 'auto_accepted', 'pending')
         ORDER BY node_id, document_id FOR UPDATE",
    )
    .bind(removed)
    .fetch_all(&mut *conn)
    .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    // Pending suggestions on a removed category just go; classified documents need a person.
    let pending: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM classification WHERE id = ANY($1::int8[]) AND status = 'pending'",
    )
    .bind(rows.iter().map(|r| r.id).collect::<Vec<_>>())
    .fetch_all(&mut *conn)
    .await?;
    let counted: Vec<&LiveRow> = rows.iter().filter(|r| !pending.contains(&r.id)).collect();
    supersede(
        conn,
        version,
        &rows.iter().map(|r| r.id).collect::<Vec<_>>(),
    )
    .await?;
    if counted.is_empty() {
        return Ok(Vec::new());
    }
    let docs: Vec<i64> = counted.iter().map(|r| r.document_id).collect();
    let nodes: Vec<i64> = counted.iter().map(|r| r.node_id).collect();
    let confs: Vec<f32> = counted.iter().map(|r| r.confidence).collect();
    // One open item per document (an existing open category_removed item is reused).
    sqlx::query(
        "WITH per_node AS (
             SELECT x.n, count(*)::int AS k FROM unnest($2::int8[]) AS x(n) GROUP BY x.n
         ), ins AS (
             INSERT INTO review_item (document_id, reason, top_confidence, margin, impact,
                                      taxonomy_version, caused_by_version, context_node_id)
             SELECT DISTINCT ON (x.d) x.d, 'category_removed', x.c, 0, p.k, $1, $1, x.n
             FROM unnest($3::int8[], $2::int8[], $4::real[]) AS x(d, n, c)
             JOIN per_node p ON p.n = x.n
             ORDER BY x.d, x.c DESC
             ON CONFLICT (document_id, reason) WHERE status = 'open' DO NOTHING
             RETURNING id
         )
         INSERT INTO review_item_change (version, review_item_id, before, after)
         SELECT $1, id, NULL, 'open' FROM ins",
    )
    .bind(version)
    .bind(&nodes)
    .bind(&docs)
    .bind(&confs)
    .execute(&mut *conn)
    .await?;
    // Suggestions: the nearest ancestors (at the old head) that still exist at the new version.
    sqlx::query(
        "WITH RECURSIVE up(d, removed, node, c) AS (
             SELECT x.d, x.n, x.n, x.c FROM unnest($3::int8[], $2::int8[], $4::real[]) AS x(d, n, c)
             UNION
             SELECT up.d, up.removed, e.parent_id, up.c
             FROM up JOIN edge e ON e.child_id = up.node AND e.valid @> $5::int8
             WHERE NOT EXISTS (SELECT 1 FROM node_state s
                               WHERE s.node_id = up.node AND s.valid @> $1::int8)
         ), target AS (
             SELECT DISTINCT ON (up.d, up.node) up.d, up.node, up.c, r.id AS item
             FROM up JOIN review_item r ON r.document_id = up.d AND r.reason = 'category_removed'
                                        AND r.status = 'open'
             WHERE up.node <> up.removed
               AND EXISTS (SELECT 1 FROM node_state s WHERE s.node_id = up.node AND s.valid @> $1::int8)
             ORDER BY up.d, up.node, up.c DESC
         ), ins AS (
             INSERT INTO classification (document_id, node_id, confidence, source, method,
                                         taxonomy_version, status, review_item_id)
             SELECT t.d, t.node, t.c, 'model', 'parent', $1, 'pending', t.item FROM target t
             ON CONFLICT (document_id, node_id) WHERE status <> 'superseded' DO NOTHING
             RETURNING id
         )
         INSERT INTO classification_change (version, classification_id, before, after)
         SELECT $1, id, NULL, 'pending' FROM ins",
    )
    .bind(version)
    .bind(&nodes)
    .bind(&docs)
    .bind(&confs)
    .bind(head)
    .execute(&mut *conn)
    .await?;
    let mut out = Vec::new();
    let mut i = 0;
    while i < counted.len() {
        let node = counted[i].node_id;
        let j = i + counted[i..]
            .iter()
            .take_while(|r| r.node_id == node)
            .count();
        let group: Vec<LiveRow> = counted[i..j].iter().map(|r| LiveRow { ..**r }).collect();
        out.push(entry(conn, node, "removed", &group).await?);
        i = j;
    }
    Ok(out)
}

/// Items for the documents of categories that gained children, suggesting the new children.
async fn split(conn: &mut PgConnection, version: i64, added: &[i64]) -> Result<Vec<ImpactEntry>> {
    let parents: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT e.parent_id, count(*) FROM edge e
         WHERE e.child_id = ANY($1::int8[]) AND e.valid @> $2::int8
           AND NOT (e.parent_id = ANY($1::int8[]))
           AND EXISTS (SELECT 1 FROM classification c WHERE c.node_id = e.parent_id
                       AND c.status IN ('accepted', 'auto_accepted'))
         GROUP BY e.parent_id ORDER BY e.parent_id",
    )
    .bind(added)
    .bind(version)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::new();
    for (parent, _) in parents {
        let rows: Vec<LiveRow> = sqlx::query_as(
            "SELECT id, document_id, node_id, confidence FROM classification
             WHERE node_id = $1 AND status IN ('accepted', 'auto_accepted') ORDER BY document_id",
        )
        .bind(parent)
        .fetch_all(&mut *conn)
        .await?;
        let docs: Vec<i64> = rows.iter().map(|r| r.document_id).collect();
        sqlx::query(
            "WITH ins AS (
                 INSERT INTO review_item (document_id, reason, impact, taxonomy_version,
                                          caused_by_version, context_node_id)
                 SELECT d, 'category_split', $4, $1, $1, $2 FROM unnest($3::int8[]) AS d
                 ON CONFLICT (document_id, reason) WHERE status = 'open' DO NOTHING
                 RETURNING id
             )
             INSERT INTO review_item_change (version, review_item_id, before, after)
             SELECT $1, id, NULL, 'open' FROM ins",
        )
        .bind(version)
        .bind(parent)
        .bind(&docs)
        .bind(docs.len() as i32)
        .execute(&mut *conn)
        .await?;
        sqlx::query(
            "WITH kids AS (
                 SELECT e.child_id FROM edge e
                 WHERE e.parent_id = $2 AND e.child_id = ANY($4::int8[]) AND e.valid @> $1::int8
             ), ins AS (
                 INSERT INTO classification (document_id, node_id, confidence, source, method,
                                             taxonomy_version, status, review_item_id)
                 SELECT r.document_id, k.child_id, 0, 'model', 'split', $1, 'pending', r.id
                 FROM review_item r CROSS JOIN kids k
                 WHERE r.document_id = ANY($3::int8[]) AND r.reason = 'category_split'
                   AND r.status = 'open' AND r.context_node_id = $2
                 ON CONFLICT (document_id, node_id) WHERE status <> 'superseded' DO NOTHING
                 RETURNING id
             )
             INSERT INTO classification_change (version, classification_id, before, after)
             SELECT $1, id, NULL, 'pending' FROM ins",
        )
        .bind(version)
        .bind(parent)
        .bind(&docs)
        .bind(added)
        .execute(&mut *conn)
        .await?;
        out.push(entry(conn, parent, "split", &rows).await?);
    }
    Ok(out)
}
