//! Browsing: roots, children, a node in full, and every path from it to a root.

use std::collections::HashMap;

use serde::Serialize;
use sqlx::PgConnection;

use super::{at_sql, ids_of, snapshot, At};
use crate::error::{Error, Result};

/// A node as listed in a tree or a list of children: enough to draw a row.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, sqlx::FromRow)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NodeSummary {
    pub key: String,
    pub label: String,
    pub child_count: i64,
    pub parent_count: i64,
}

fn summary_select(at: At, param: usize) -> String {
    format!(
        "n.key, s.label,
         (SELECT count(*) FROM edge c WHERE c.parent_id = n.id AND {}) AS child_count,
         (SELECT count(*) FROM edge p WHERE p.child_id = n.id AND {}) AS parent_count",
        at_sql("c", param, at),
        at_sql("p", param, at)
    )
}

/// The roots (nodes without parents) at version `v`, ordered by label.
pub async fn roots(conn: &mut PgConnection, at: At) -> Result<Vec<NodeSummary>> {
    let sql = format!(
        "SELECT {} FROM node_state s JOIN node n ON n.id = s.node_id
         WHERE {} AND NOT EXISTS (SELECT 1 FROM edge e WHERE e.child_id = s.node_id AND {})
         ORDER BY s.label, n.key",
        summary_select(at, 1),
        at_sql("s", 1, at),
        at_sql("e", 1, at)
    );
    Ok(sqlx::query_as(&sql)
        .bind(at.version)
        .fetch_all(conn)
        .await?)
}

/// The children of `key` at version `v`, ordered by label.
pub async fn children(conn: &mut PgConnection, at: At, key: &str) -> Result<Vec<NodeSummary>> {
    let sql = format!(
        "SELECT {} FROM node pn
         JOIN edge e ON e.parent_id = pn.id AND {}
         JOIN node n ON n.id = e.child_id
         JOIN node_state s ON s.node_id = n.id AND {}
         WHERE pn.key = $2
         ORDER BY s.label, n.key",
        summary_select(at, 1),
        at_sql("e", 1, at),
        at_sql("s", 1, at)
    );
    Ok(sqlx::query_as(&sql)
        .bind(at.version)
        .bind(key)
        .fetch_all(conn)
        .await?)
}

/// Every path from a root down to `key` at version `v` (each path is a list of keys, root first).
/// Capped at `limit` paths: a DAG can have exponentially many.
pub async fn paths_to_root(
    conn: &mut PgConnection,
    at: At,
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
        at_sql("e", 1, at),
        at_sql("e", 1, at)
    );
    let edges: Vec<(String, String)> = sqlx::query_as(&sql)
        .bind(at.version)
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
    let at = At::resolve(&mut *conn, requested).await?;
    let v = at.version;
    let ids = ids_of(&mut *conn, &[key.to_string()]).await?;
    let no_such = || Error::NoSuchNode {
        key: key.to_string(),
        version: v,
    };
    let id = *ids.get(key).ok_or_else(no_such)?;
    let (_, full) = snapshot(&mut *conn, at, &[id])
        .await?
        .remove(&id)
        .ok_or_else(no_such)?;
    let parent_sql = format!(
        "SELECT {} FROM edge e JOIN node n ON n.id = e.parent_id
         JOIN node_state s ON s.node_id = n.id AND {}
         WHERE e.child_id = $2 AND {} ORDER BY s.label, n.key",
        summary_select(at, 1),
        at_sql("s", 1, at),
        at_sql("e", 1, at)
    );
    let parents: Vec<NodeSummary> = sqlx::query_as(&parent_sql)
        .bind(at.version)
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
    let children = children(&mut *conn, at, key).await?;
    let paths = paths_to_root(&mut *conn, at, key, 1000).await?;
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
