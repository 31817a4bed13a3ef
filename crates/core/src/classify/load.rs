//! What the classifier reads: document vectors, human labels, the categories at the head with
//! their texts and the DAG's parent links, and rejected (document, category) pairs.

use std::collections::{HashMap, HashSet};

use pgvector::Vector;
use sqlx::PgConnection;

use super::score::Vectors;
use crate::error::Result;

/// The head's categories, indexed 0..n in `ids` order.
#[derive(Debug, Default)]
pub struct Categories {
    pub ids: Vec<i64>,
    pub keys: Vec<String>,
    /// "path > label (alt labels): description" — what the category's vector is made of.
    pub texts: Vec<String>,
    /// Parent indices of each category.
    pub parents: Vec<Vec<u32>>,
    pub index: HashMap<i64, u32>,
}

impl Categories {
    /// Whether `a` is a proper ancestor of `b`.
    pub fn is_ancestor(&self, a: u32, b: u32) -> bool {
        let mut seen = HashSet::new();
        let mut stack: Vec<u32> = self.parents[b as usize].clone();
        while let Some(p) = stack.pop() {
            if p == a {
                return true;
            }
            if seen.insert(p) {
                stack.extend(self.parents[p as usize].iter().copied());
            }
        }
        false
    }
}

#[derive(sqlx::FromRow)]
struct CategoryRow {
    id: i64,
    key: String,
    label: String,
    alt_labels: Vec<String>,
    description: String,
}

/// The categories at the head, with one path (through the first parent by key) in each text.
pub async fn categories(conn: &mut PgConnection) -> Result<Categories> {
    let rows: Vec<CategoryRow> = sqlx::query_as(
        "SELECT n.id, n.key, s.label, s.alt_labels, s.description
         FROM node_state s JOIN node n ON n.id = s.node_id
         WHERE upper_inf(s.valid) ORDER BY n.key",
    )
    .fetch_all(&mut *conn)
    .await?;
    let edges: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT e.parent_id, e.child_id FROM edge e JOIN node p ON p.id = e.parent_id
         WHERE upper_inf(e.valid) ORDER BY p.key",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut cats = Categories::default();
    for (i, r) in rows.iter().enumerate() {
        cats.index.insert(r.id, i as u32);
        cats.ids.push(r.id);
        cats.keys.push(r.key.clone());
    }
    cats.parents = vec![Vec::new(); rows.len()];
    for (p, c) in edges {
        if let (Some(&pi), Some(&ci)) = (cats.index.get(&p), cats.index.get(&c)) {
            cats.parents[ci as usize].push(pi);
        }
    }
    for (i, r) in rows.iter().enumerate() {
        let mut path = Vec::new();
        let mut at = cats.parents[i].first().copied();
        let mut seen = HashSet::new();
        while let Some(p) = at {
            if !seen.insert(p) || path.len() >= 12 {
                break;
            }
            path.push(rows[p as usize].label.as_str());
            at = cats.parents[p as usize].first().copied();
        }
        path.reverse();
        let mut text = String::new();
        if !path.is_empty() {
            text.push_str(&path.join(" > "));
            text.push_str(" > ");
        }
        text.push_str(&r.label);
        if !r.alt_labels.is_empty() {
            text.push_str(&format!(" ({})", r.alt_labels.join(", ")));
        }
        if !r.description.is_empty() {
            text.push_str(": ");
            text.push_str(&r.description);
        }
        cats.texts.push(text);
    }
    Ok(cats)
}

/// Which documents to read vectors of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// Documents with a human label (accepted, from a file or a reviewer).
    Labelled,
    /// Documents with no live classification row and no open review item.
    Unreviewed,
    /// Every document without a human label.
    Unlabelled,
}

const LABELLED: &str = "EXISTS (SELECT 1 FROM classification c WHERE c.document_id = d.id
                                AND c.source = 'human' AND c.status = 'accepted')";

fn which_sql(which: Which) -> String {
    match which {
        Which::Labelled => LABELLED.to_string(),
        Which::Unlabelled => format!("NOT {LABELLED}"),
        Which::Unreviewed => "NOT EXISTS (SELECT 1 FROM classification c
                                          WHERE c.document_id = d.id AND c.status <> 'superseded')
                          AND NOT EXISTS (SELECT 1 FROM review_item r
                                          WHERE r.document_id = d.id AND r.status = 'open')"
            .to_string(),
    }
}

/// How many documents `which` names, and how many of them have vectors from the model.
pub async fn count(conn: &mut PgConnection, model_id: i32, which: Which) -> Result<(i64, i64)> {
    let sql = format!(
        "SELECT count(*),
                count(*) FILTER (WHERE EXISTS (SELECT 1 FROM chunk ch JOIN chunk_embedding e
                                               ON e.chunk_id = ch.id AND e.model_id = $1
                                               WHERE ch.document_id = d.id))
         FROM document d WHERE {}",
        which_sql(which)
    );
    Ok(sqlx::query_as(&sql).bind(model_id).fetch_one(conn).await?)
}

/// Document ids after `after` (ascending, at most `limit`) with the mean of their chunk vectors.
pub async fn document_vectors(
    conn: &mut PgConnection,
    model_id: i32,
    which: Which,
    after: i64,
    limit: i64,
    dims: usize,
) -> Result<(Vec<i64>, Vectors)> {
    let sql = format!(
        "SELECT d.id, avg(e.embedding) AS v
         FROM document d JOIN chunk ch ON ch.document_id = d.id
         JOIN chunk_embedding e ON e.chunk_id = ch.id AND e.model_id = $1
         WHERE d.id > $2 AND {}
         GROUP BY d.id ORDER BY d.id LIMIT $3",
        which_sql(which)
    );
    let rows: Vec<(i64, Vector)> = sqlx::query_as(&sql)
        .bind(model_id)
        .bind(after)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    let mut vectors = Vectors::new(dims);
    let mut ids = Vec::with_capacity(rows.len());
    for (id, v) in rows {
        if v.as_slice().len() == dims {
            ids.push(id);
            vectors.push(v.as_slice());
        }
    }
    Ok((ids, vectors))
}

/// Every hand-labelled document with vectors: ids, vectors, and each one's labels as category
/// indices of `cats` (labels on categories gone from the head are left out).
pub async fn labelled(
    conn: &mut PgConnection,
    model_id: i32,
    dims: usize,
    cats: &Categories,
) -> Result<(Vec<i64>, Vectors, Vec<Vec<u32>>)> {
    let (ids, vectors) =
        document_vectors(&mut *conn, model_id, Which::Labelled, 0, i64::MAX, dims).await?;
    let by_doc = labels(&mut *conn, &ids).await?;
    let indices = ids
        .iter()
        .map(|d| {
            by_doc
                .get(d)
                .into_iter()
                .flatten()
                .filter_map(|n| cats.index.get(n).copied())
                .collect()
        })
        .collect();
    Ok((ids, vectors, indices))
}

/// The human labels (category node ids) of the given documents.
pub async fn labels(conn: &mut PgConnection, docs: &[i64]) -> Result<HashMap<i64, Vec<i64>>> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT document_id, node_id FROM classification
         WHERE document_id = ANY($1::int8[]) AND source = 'human' AND status = 'accepted'
         ORDER BY document_id, node_id",
    )
    .bind(docs)
    .fetch_all(conn)
    .await?;
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    for (d, n) in rows {
        out.entry(d).or_default().push(n);
    }
    Ok(out)
}

/// (document, category) pairs already decided for these documents — rejected, or accepted by
/// a person — which the classifier must not suggest again.
pub async fn decided_pairs(conn: &mut PgConnection, docs: &[i64]) -> Result<HashSet<(i64, i64)>> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT document_id, node_id FROM classification
         WHERE document_id = ANY($1::int8[])
           AND (status = 'rejected' OR (status = 'accepted' AND source = 'human'))",
    )
    .bind(docs)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().collect())
}

/// An open `category_split` item: its document's vector and the new children it suggests.
#[derive(Debug)]
pub struct SplitItem {
    pub item: i64,
    pub document: i64,
    pub children: Vec<i64>,
}

#[derive(sqlx::FromRow)]
struct SplitRow {
    item: i64,
    document: i64,
    children: Vec<i64>,
    v: Option<Vector>,
}

/// The open split items whose documents have vectors from the model.
pub async fn open_splits(
    conn: &mut PgConnection,
    model_id: i32,
    dims: usize,
) -> Result<(Vec<SplitItem>, Vectors)> {
    let rows: Vec<SplitRow> = sqlx::query_as(
        "SELECT r.id AS item, r.document_id AS document,
                array_agg(c.node_id ORDER BY c.node_id) AS children,
                (SELECT avg(e.embedding) FROM chunk ch
                 JOIN chunk_embedding e ON e.chunk_id = ch.id AND e.model_id = $1
                 WHERE ch.document_id = r.document_id) AS v
         FROM review_item r JOIN classification c ON c.review_item_id = r.id AND c.status = 'pending'
         WHERE r.status = 'open' AND r.reason = 'category_split'
         GROUP BY r.id, r.document_id ORDER BY r.id",
    )
    .bind(model_id)
    .fetch_all(conn)
    .await?;
    let mut items = Vec::new();
    let mut vectors = Vectors::new(dims);
    for r in rows {
        if let Some(v) = r.v.filter(|v| v.as_slice().len() == dims) {
            vectors.push(v.as_slice());
            items.push(SplitItem {
                item: r.item,
                document: r.document,
                children: r.children,
            });
        }
    }
    Ok((items, vectors))
}
