//! Whole-state reads: node ids, snapshots of nodes, every key, the export, changed nodes.

use std::collections::HashMap;

use sqlx::types::Json;
use sqlx::PgConnection;

use super::{at_sql, At};
use crate::error::Result;
use crate::taxonomy::model::{Extra, NodeContent, NodeFull, NodeRecord};

/// A node's state at a version with its parents' keys, as the snapshot reads it.
#[derive(sqlx::FromRow)]
struct StateRow {
    id: i64,
    key: String,
    label: String,
    alt_labels: Vec<String>,
    description: String,
    extras: Json<Vec<Extra>>,
    parents: Vec<String>,
}

/// A node's state at a version without its parents (the export reads the edges apart).
#[derive(sqlx::FromRow)]
struct ContentRow {
    id: i64,
    key: String,
    label: String,
    alt_labels: Vec<String>,
    description: String,
    extras: Json<Vec<Extra>>,
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
    at: At,
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
         SELECT n.id, n.key, s.label, s.alt_labels, s.description, s.extras,
                coalesce(p.parents, '{{}}'::text[]) AS parents
         FROM q
         JOIN node n ON n.id = q.id
         JOIN node_state s ON s.node_id = q.id AND {}
         LEFT JOIN p ON p.child_id = q.id",
        at_sql("e", 2, at),
        at_sql("s", 2, at)
    );
    let rows: Vec<StateRow> = sqlx::query_as(&sql)
        .bind(ids)
        .bind(at.version)
        .fetch_all(conn)
        .await?;
    let mut out = HashMap::with_capacity(rows.len());
    for r in rows {
        let content = NodeContent {
            label: r.label,
            alt_labels: r.alt_labels,
            description: r.description,
            extras: r.extras.0,
        };
        let parents = r.parents.into_iter().collect();
        out.insert(r.id, (r.key, NodeFull { content, parents }));
    }
    Ok(out)
}

/// The keys of every node at version `v`.
pub async fn all_keys(conn: &mut PgConnection, at: At) -> Result<Vec<String>> {
    let sql = format!(
        "SELECT n.key FROM node_state s JOIN node n ON n.id = s.node_id WHERE {} ORDER BY n.key",
        at_sql("s", 1, at)
    );
    Ok(sqlx::query_scalar(&sql)
        .bind(at.version)
        .fetch_all(conn)
        .await?)
}

/// The whole taxonomy at version `v`, sorted by key, parents sorted: the export format.
pub async fn export(conn: &mut PgConnection, requested: Option<i64>) -> Result<Vec<NodeRecord>> {
    let at = At::resolve(&mut *conn, requested).await?;
    let sql = format!(
        "SELECT s.node_id AS id, n.key, s.label, s.alt_labels, s.description, s.extras
         FROM node_state s JOIN node n ON n.id = s.node_id WHERE {}",
        at_sql("s", 1, at)
    );
    let rows: Vec<ContentRow> = sqlx::query_as(&sql)
        .bind(at.version)
        .fetch_all(&mut *conn)
        .await?;
    let edge_sql = format!(
        "SELECT e.child_id, pn.key FROM edge e JOIN node pn ON pn.id = e.parent_id WHERE {}",
        at_sql("e", 1, at)
    );
    let edges: Vec<(i64, String)> = sqlx::query_as(&edge_sql)
        .bind(at.version)
        .fetch_all(&mut *conn)
        .await?;
    let mut parents: HashMap<i64, Vec<String>> = HashMap::new();
    for (child, parent) in edges {
        parents.entry(child).or_default().push(parent);
    }
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let mut ps = parents.remove(&r.id).unwrap_or_default();
        ps.sort();
        out.push(NodeRecord {
            key: r.key,
            label: r.label,
            alt_labels: r.alt_labels,
            description: r.description,
            parents: ps,
            extras: r.extras.0,
        });
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(out)
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
