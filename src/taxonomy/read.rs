//! Reading the taxonomy at any version: versions, snapshots of nodes, children, paths, export, find.
//!
//! A row is true at version `v` when its range contains `v`. At the head that is the same as an
//! open range (`upper_inf`), which the small partial btree indexes serve; older versions go through
//! the GiST indexes of the exclusion constraints. `at()` picks the predicate.

use std::collections::HashMap;

use serde::Serialize;
use sqlx::{PgConnection, Row};

use super::model::{NodeContent, NodeFull, NodeRecord, Version, VersionKind};
use crate::error::{Error, Result};

/// The SQL predicate "row `alias` is true at the version bound as `$param`".
pub(crate) fn at(alias: &str, param: usize, at_head: bool) -> String {
    if at_head {
        // $param is still referenced so that bind positions stay the same in both forms.
        format!("(upper_inf({alias}.valid) AND ${param}::int8 IS NOT NULL)")
    } else {
        format!("{alias}.valid @> ${param}::int8")
    }
}

pub async fn head_version(conn: &mut PgConnection) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT max(version) FROM taxonomy_version")
            .fetch_one(conn)
            .await?,
    )
}

/// Resolves an optional requested version to an existing one (default: the head).
pub async fn resolve_version(
    conn: &mut PgConnection,
    requested: Option<i64>,
) -> Result<(i64, i64)> {
    let head = head_version(&mut *conn).await?;
    let v = requested.unwrap_or(head);
    if v < 0 || v > head {
        return Err(Error::NoSuchVersion(v));
    }
    Ok((v, head))
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
            .ok_or_else(|| Error::Invalid(format!("unknown version kind {kind:?}")))?,
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

/// Node ids of the given keys (keys that never existed are absent from the map).
pub async fn ids_of(conn: &mut PgConnection, keys: &[String]) -> Result<HashMap<String, i64>> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, key FROM node WHERE key = ANY($1::text[])")
            .bind(keys)
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().map(|(id, key)| (key, id)).collect())
}

/// The state of the given nodes at version `v`: nodes that do not exist at `v` are absent.
pub async fn snapshot(
    conn: &mut PgConnection,
    v: i64,
    at_head: bool,
    ids: &[i64],
) -> Result<HashMap<i64, (String, NodeFull)>> {
    // Set-based (joins and one grouped aggregate), so loading the whole taxonomy for an import
    // is a couple of hash joins rather than a subquery per node.
    let sql = format!(
        "WITH q AS (SELECT DISTINCT unnest($1::int8[]) AS id),
         p AS (
             SELECT e.child_id, array_agg(pn.key ORDER BY pn.key) AS parents
             FROM q JOIN edge e ON e.child_id = q.id AND {}
             JOIN node pn ON pn.id = e.parent_id
             GROUP BY e.child_id
         )
         SELECT n.id, n.key, s.label, s.alt_labels, s.description,
                coalesce(p.parents, '{{}}'::text[]) AS parents
         FROM q
         JOIN node n ON n.id = q.id
         JOIN node_state s ON s.node_id = q.id AND {}
         LEFT JOIN p ON p.child_id = q.id",
        at("e", 2, at_head),
        at("s", 2, at_head)
    );
    let rows = sqlx::query(&sql).bind(ids).bind(v).fetch_all(conn).await?;
    let mut out = HashMap::with_capacity(rows.len());
    for r in rows {
        let parents: Vec<String> = r.try_get("parents")?;
        out.insert(
            r.try_get::<i64, _>("id")?,
            (
                r.try_get::<String, _>("key")?,
                NodeFull {
                    content: NodeContent {
                        label: r.try_get("label")?,
                        alt_labels: r.try_get("alt_labels")?,
                        description: r.try_get("description")?,
                    },
                    parents: parents.into_iter().collect(),
                },
            ),
        );
    }
    Ok(out)
}

/// The keys of every node at version `v`.
pub async fn all_keys(conn: &mut PgConnection, v: i64, at_head: bool) -> Result<Vec<String>> {
    let sql = format!(
        "SELECT n.key FROM node_state s JOIN node n ON n.id = s.node_id WHERE {} ORDER BY n.key",
        at("s", 1, at_head)
    );
    Ok(sqlx::query_scalar(&sql).bind(v).fetch_all(conn).await?)
}

/// The whole taxonomy at version `v`, sorted by key, parents sorted: the export format.
pub async fn export(conn: &mut PgConnection, requested: Option<i64>) -> Result<Vec<NodeRecord>> {
    let (v, head) = resolve_version(&mut *conn, requested).await?;
    let at_head = v == head;
    let sql = format!(
        "SELECT s.node_id, n.key, s.label, s.alt_labels, s.description
         FROM node_state s JOIN node n ON n.id = s.node_id WHERE {}",
        at("s", 1, at_head)
    );
    let rows = sqlx::query(&sql).bind(v).fetch_all(&mut *conn).await?;
    let edge_sql = format!(
        "SELECT e.child_id, pn.key FROM edge e JOIN node pn ON pn.id = e.parent_id WHERE {}",
        at("e", 1, at_head)
    );
    let edges: Vec<(i64, String)> = sqlx::query_as(&edge_sql)
        .bind(v)
        .fetch_all(&mut *conn)
        .await?;
    let mut parents: HashMap<i64, Vec<String>> = HashMap::new();
    for (child, parent) in edges {
        parents.entry(child).or_default().push(parent);
    }
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let id: i64 = r.try_get("node_id")?;
        let mut ps = parents.remove(&id).unwrap_or_default();
        ps.sort();
        out.push(NodeRecord {
            key: r.try_get("key")?,
            label: r.try_get("label")?,
            alt_labels: r.try_get("alt_labels")?,
            description: r.try_get("description")?,
            parents: ps,
        });
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(out)
}

/// A node as listed in a tree or a list of children: enough to draw a row.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NodeSummary {
    pub key: String,
    pub label: String,
    pub child_count: i64,
    pub parent_count: i64,
}

fn summary_select(at_head: bool, param: usize) -> String {
    format!(
        "n.key, s.label,
         (SELECT count(*) FROM edge c WHERE c.parent_id = n.id AND {}) AS child_count,
         (SELECT count(*) FROM edge p WHERE p.child_id = n.id AND {}) AS parent_count",
        at("c", param, at_head),
        at("p", param, at_head)
    )
}

fn summary_from_row(r: &sqlx::postgres::PgRow) -> Result<NodeSummary> {
    Ok(NodeSummary {
        key: r.try_get("key")?,
        label: r.try_get("label")?,
        child_count: r.try_get("child_count")?,
        parent_count: r.try_get("parent_count")?,
    })
}

/// The roots (nodes without parents) at version `v`, ordered by label.
pub async fn roots(conn: &mut PgConnection, v: i64, at_head: bool) -> Result<Vec<NodeSummary>> {
    let sql = format!(
        "SELECT {} FROM node_state s JOIN node n ON n.id = s.node_id
         WHERE {} AND NOT EXISTS (SELECT 1 FROM edge e WHERE e.child_id = s.node_id AND {})
         ORDER BY s.label, n.key",
        summary_select(at_head, 1),
        at("s", 1, at_head),
        at("e", 1, at_head)
    );
    let rows = sqlx::query(&sql).bind(v).fetch_all(conn).await?;
    rows.iter().map(summary_from_row).collect()
}

/// The children of `key` at version `v`, ordered by label.
pub async fn children(
    conn: &mut PgConnection,
    v: i64,
    at_head: bool,
    key: &str,
) -> Result<Vec<NodeSummary>> {
    let sql = format!(
        "SELECT {} FROM node pn
         JOIN edge e ON e.parent_id = pn.id AND {}
         JOIN node n ON n.id = e.child_id
         JOIN node_state s ON s.node_id = n.id AND {}
         WHERE pn.key = $2
         ORDER BY s.label, n.key",
        summary_select(at_head, 1),
        at("e", 1, at_head),
        at("s", 1, at_head)
    );
    let rows = sqlx::query(&sql).bind(v).bind(key).fetch_all(conn).await?;
    rows.iter().map(summary_from_row).collect()
}

/// Every path from a root down to `key` at version `v` (each path is a list of keys, root first).
/// Capped at `limit` paths: a DAG can have exponentially many.
pub async fn paths_to_root(
    conn: &mut PgConnection,
    v: i64,
    at_head: bool,
    key: &str,
    limit: usize,
) -> Result<Vec<Vec<String>>> {
    // The ancestor subgraph in one recursive query; the paths are enumerated here.
    let sql = format!(
        "WITH RECURSIVE anc(id) AS (
             SELECT id FROM node WHERE key = $2
             UNION
             SELECT e.parent_id FROM anc JOIN edge e ON e.child_id = anc.id AND {}
         )
         SELECT c.key AS child, p.key AS parent
         FROM anc JOIN edge e ON e.child_id = anc.id AND {}
         JOIN node c ON c.id = e.child_id JOIN node p ON p.id = e.parent_id",
        at("e", 1, at_head),
        at("e", 1, at_head)
    );
    let edges: Vec<(String, String)> = sqlx::query_as(&sql)
        .bind(v)
        .bind(key)
        .fetch_all(conn)
        .await?;
    let mut parents: HashMap<String, Vec<String>> = HashMap::new();
    for (c, p) in edges {
        parents.entry(c).or_default().push(p);
    }
    for ps in parents.values_mut() {
        ps.sort();
    }
    // Depth-first enumeration of upward paths, with an explicit stack.
    let mut out = Vec::new();
    let mut stack: Vec<Vec<String>> = vec![vec![key.to_string()]];
    while let Some(path) = stack.pop() {
        if out.len() >= limit {
            break;
        }
        let Some(last) = path.last() else { continue };
        match parents.get(last) {
            None => {
                let mut p = path.clone();
                p.reverse();
                out.push(p);
            }
            Some(ps) => {
                for p in ps.iter().rev() {
                    let mut next = path.clone();
                    next.push(p.clone());
                    stack.push(next);
                }
            }
        }
    }
    Ok(out)
}

/// A node in full at one version, with its neighbours and every path to a root.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NodeDetails {
    pub version: i64,
    pub key: String,
    pub label: String,
    pub alt_labels: Vec<String>,
    pub description: String,
    pub parents: Vec<NodeSummary>,
    pub children: Vec<NodeSummary>,
    pub paths: Vec<Vec<String>>,
}

pub async fn show(
    conn: &mut PgConnection,
    requested: Option<i64>,
    key: &str,
) -> Result<NodeDetails> {
    let (v, head) = resolve_version(&mut *conn, requested).await?;
    let at_head = v == head;
    let ids = ids_of(&mut *conn, &[key.to_string()]).await?;
    let no_such = || Error::NoSuchNode {
        key: key.to_string(),
        version: v,
    };
    let id = *ids.get(key).ok_or_else(no_such)?;
    let (_, full) = snapshot(&mut *conn, v, at_head, &[id])
        .await?
        .remove(&id)
        .ok_or_else(no_such)?;
    let parent_sql = format!(
        "SELECT {} FROM edge e JOIN node n ON n.id = e.parent_id
         JOIN node_state s ON s.node_id = n.id AND {}
         WHERE e.child_id = $2 AND {} ORDER BY s.label, n.key",
        summary_select(at_head, 1),
        at("s", 1, at_head),
        at("e", 1, at_head)
    );
    let parents = sqlx::query(&parent_sql)
        .bind(v)
        .bind(id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(summary_from_row)
        .collect::<Result<Vec<_>>>()?;
    let children = children(&mut *conn, v, at_head, key).await?;
    let paths = paths_to_root(&mut *conn, v, at_head, key, 1000).await?;
    Ok(NodeDetails {
        version: v,
        key: key.to_string(),
        label: full.content.label,
        alt_labels: full.content.alt_labels,
        description: full.content.description,
        parents,
        children,
        paths,
    })
}

/// A label search hit.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FindHit {
    pub key: String,
    pub label: String,
    /// The label or alternative label that matched best.
    pub matched: String,
    pub score: f32,
    /// Labels of the node's parents, to tell apart nodes with the same label.
    pub parent_labels: Vec<String>,
}

/// Label and alternative-label search at version `v`, ranked by trigram similarity (substring
/// matches always qualify, so short queries find something).
pub async fn find(
    conn: &mut PgConnection,
    requested: Option<i64>,
    text: &str,
    limit: i64,
) -> Result<Vec<FindHit>> {
    let (v, head) = resolve_version(&mut *conn, requested).await?;
    let at_head = v == head;
    let sql = format!(
        "WITH cand AS (
             SELECT s.node_id, s.label, m.name,
                    greatest(similarity(m.name, $2), word_similarity($2, m.name),
                             CASE WHEN m.name ILIKE '%' || $3 || '%' ESCAPE '\\' THEN 0.5 ELSE 0 END
                             + CASE WHEN lower(m.name) = lower($2) THEN 1 ELSE 0 END) AS score
             FROM node_state s
             CROSS JOIN LATERAL unnest(array_prepend(s.label, s.alt_labels)) AS m(name)
             WHERE {} AND (m.name % $2 OR $2 <% m.name OR m.name ILIKE '%' || $3 || '%' ESCAPE '\\')
         )
         SELECT DISTINCT ON (c.node_id) n.key, c.label, c.name AS matched, c.score::float4 AS score,
                ARRAY(SELECT ps.label FROM edge e JOIN node_state ps ON ps.node_id = e.parent_id AND {}
                      WHERE e.child_id = c.node_id AND {} ORDER BY ps.label) AS parent_labels
         FROM cand c JOIN node n ON n.id = c.node_id
         ORDER BY c.node_id, c.score DESC",
        at("s", 1, at_head),
        at("ps", 1, at_head),
        at("e", 1, at_head)
    );
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    let rows = sqlx::query(&sql)
        .bind(v)
        .bind(text)
        .bind(&escaped)
        .fetch_all(conn)
        .await?;
    let mut hits = rows
        .iter()
        .map(|r| {
            Ok(FindHit {
                key: r.try_get("key")?,
                label: r.try_get("label")?,
                matched: r.try_get("matched")?,
                score: r.try_get("score")?,
                parent_labels: r.try_get("parent_labels")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    hits.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.label.len().cmp(&b.label.len()))
            .then_with(|| a.key.cmp(&b.key))
    });
    hits.truncate(limit.max(0) as usize);
    Ok(hits)
}

/// One printed line of a tree: depth, the node, and whether it was already shown elsewhere.
#[derive(Debug, Clone, Serialize)]
pub struct TreeLine {
    pub depth: usize,
    #[serde(flatten)]
    pub node: NodeSummary,
}

/// The tree at version `v`, from the roots or from `under`, to `max_depth` levels (a node with
/// several parents is listed under each of them).
pub async fn tree(
    conn: &mut PgConnection,
    requested: Option<i64>,
    under: Option<&str>,
    max_depth: Option<usize>,
) -> Result<(i64, Vec<TreeLine>)> {
    let (v, head) = resolve_version(&mut *conn, requested).await?;
    let at_head = v == head;
    let starts = match under {
        None => roots(&mut *conn, v, at_head).await?,
        Some(key) => {
            let d = show(&mut *conn, Some(v), key).await?;
            vec![NodeSummary {
                key: d.key,
                label: d.label,
                child_count: d.children.len() as i64,
                parent_count: d.parents.len() as i64,
            }]
        }
    };
    // Children are loaded once per distinct node (a shared subtree is listed under each parent).
    let mut lines = Vec::new();
    let mut stack: Vec<(usize, NodeSummary)> = starts.into_iter().rev().map(|n| (0, n)).collect();
    let mut cache: HashMap<String, Vec<NodeSummary>> = HashMap::new();
    while let Some((depth, node)) = stack.pop() {
        let expand = node.child_count > 0 && max_depth.is_none_or(|m| depth < m);
        let key = node.key.clone();
        lines.push(TreeLine { depth, node });
        if expand {
            if !cache.contains_key(&key) {
                let kids = children(&mut *conn, v, at_head, &key).await?;
                cache.insert(key.clone(), kids);
            }
            if let Some(kids) = cache.get(&key) {
                for k in kids.iter().rev() {
                    stack.push((depth + 1, k.clone()));
                }
            }
        }
    }
    Ok((v, lines))
}

/// Keys of the nodes whose state or parents changed between two versions (in either direction):
/// only rows whose range starts or ends in (lo, hi] are read.
pub async fn changed_node_ids(conn: &mut PgConnection, a: i64, b: i64) -> Result<Vec<i64>> {
    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
    if lo == hi {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT node_id FROM node_state WHERE lower(valid) > $1 AND lower(valid) <= $2
         UNION SELECT node_id FROM node_state WHERE upper(valid) > $1 AND upper(valid) <= $2
         UNION SELECT child_id FROM edge WHERE lower(valid) > $1 AND lower(valid) <= $2
         UNION SELECT child_id FROM edge WHERE upper(valid) > $1 AND upper(valid) <= $2",
    )
    .bind(lo)
    .bind(hi)
    .fetch_all(conn)
    .await?;
    Ok(ids)
}
