//! The DAG rules a publish must keep, checked in the database on what it touched: parents exist,
//! removed nodes have no children, and no added edge closes a cycle (reported by its shortest path).

use std::collections::{HashMap, VecDeque};

use sqlx::PgConnection;

use crate::error::{Error, Result};

pub(super) async fn check_parents_exist(
    conn: &mut PgConnection,
    ps: &[i64],
    cs: &[i64],
    version: i64,
) -> Result<()> {
    if ps.is_empty() {
        return Ok(());
    }
    // Find a missing parent by id first (an index probe per distinct parent), then name it.
    let missing: Option<(i64, i64)> = sqlx::query_as(
        "SELECT x.p, x.c FROM unnest($1::int8[], $2::int8[]) AS x(p, c)
         WHERE NOT EXISTS (SELECT 1 FROM node_state s WHERE s.node_id = x.p AND upper_inf(s.valid))
         LIMIT 1",
    )
    .bind(ps)
    .bind(cs)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((p, c)) = missing else {
        return Ok(());
    };
    let (parent, child) = (key_of(&mut *conn, p).await?, key_of(&mut *conn, c).await?);
    Err(Error::Invalid(format!(
        "node {child:?} names parent {parent:?}, which does not exist at version {version}"
    )))
}

async fn key_of(conn: &mut PgConnection, id: i64) -> Result<String> {
    Ok(sqlx::query_scalar("SELECT key FROM node WHERE id = $1")
        .bind(id)
        .fetch_one(conn)
        .await?)
}

pub(super) async fn check_removed_have_no_children(
    conn: &mut PgConnection,
    removed: &[i64],
) -> Result<()> {
    let parent: Option<i64> = sqlx::query_scalar(
        "SELECT e.parent_id FROM unnest($1::int8[]) AS r(id)
         JOIN edge e ON e.parent_id = r.id AND upper_inf(e.valid) LIMIT 1",
    )
    .bind(removed)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(parent) = parent else {
        return Ok(());
    };
    let children: Vec<String> = sqlx::query_scalar(
        "SELECT n.key FROM edge e JOIN node n ON n.id = e.child_id
         WHERE e.parent_id = $1 AND upper_inf(e.valid) ORDER BY n.key LIMIT 20",
    )
    .bind(parent)
    .fetch_all(&mut *conn)
    .await?;
    Err(Error::Invalid(format!(
        "cannot remove {:?}: it still has children ({}); re-parent them first or delete with cascade",
        key_of(&mut *conn, parent).await?,
        children.join(", ")
    )))
}

/// Refuses a cycle through any added edge: walks up from each added edge's parent (deduplicated,
/// so a DAG with many paths stays linear) looking for the edge's child. On a hit, loads that
/// child's ancestor graph and reports one cycle path by key.
pub(super) async fn check_no_cycle(conn: &mut PgConnection, ps: &[i64], cs: &[i64]) -> Result<()> {
    let origin: Option<i64> = sqlx::query_scalar(
        "WITH RECURSIVE walk(origin, node) AS (
             SELECT x.c, x.p FROM unnest($1::int8[], $2::int8[]) AS x(p, c)
             UNION
             SELECT w.origin, e.parent_id FROM walk w
             JOIN edge e ON e.child_id = w.node AND upper_inf(e.valid)
             WHERE w.node <> w.origin
         )
         SELECT origin FROM walk WHERE node = origin LIMIT 1",
    )
    .bind(ps)
    .bind(cs)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(origin) = origin else {
        return Ok(());
    };
    let edges: Vec<(String, String)> = sqlx::query_as(
        "WITH RECURSIVE anc(id) AS (
             SELECT $1::int8
             UNION
             SELECT e.parent_id FROM anc JOIN edge e ON e.child_id = anc.id AND upper_inf(e.valid)
         )
         SELECT cn.key, pn.key FROM anc
         JOIN edge e ON e.child_id = anc.id AND upper_inf(e.valid)
         JOIN node cn ON cn.id = e.child_id JOIN node pn ON pn.id = e.parent_id",
    )
    .bind(origin)
    .fetch_all(&mut *conn)
    .await?;
    let origin_key = key_of(&mut *conn, origin).await?;
    let mut parents: HashMap<&str, Vec<&str>> = HashMap::new();
    for (c, p) in &edges {
        parents.entry(c.as_str()).or_default().push(p.as_str());
    }
    Err(Error::Cycle {
        path: cycle_path(&parents, &origin_key)
            .unwrap_or_else(|| vec![origin_key.clone(), origin_key]),
    })
}

/// The shortest path child -> parent -> ... back to `start`, by breadth-first search.
pub(crate) fn cycle_path(parents: &HashMap<&str, Vec<&str>>, start: &str) -> Option<Vec<String>> {
    let mut came_from: HashMap<&str, &str> = HashMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(n) = queue.pop_front() {
        for &p in parents.get(n).map(Vec::as_slice).unwrap_or(&[]) {
            if p == start {
                let mut path = vec![start.to_string(), n.to_string()];
                let mut cur = n;
                while let Some(&prev) = came_from.get(cur) {
                    path.push(prev.to_string());
                    cur = prev;
                }
                // Built backwards from the closing edge: reverse to read child -> parent.
                path.reverse();
                return Some(path);
            }
            if p != start && !came_from.contains_key(p) {
                came_from.insert(p, n);
                queue.push_back(p);
            }
        }
    }
    None
}
