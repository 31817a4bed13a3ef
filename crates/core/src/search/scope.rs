//! Category scope: the documents (and their chunks) classified under chosen categories or their
//! descendants at a taxonomy version.

use sqlx::PgConnection;

use crate::error::{Error, Result};
use crate::taxonomy::read::{self, At};

/// Node ids of `keys` and all their descendants at `version` (default: head). Unknown keys are an
/// error: a typo must not silently widen or empty the scope.
pub(crate) async fn scope_nodes(
    conn: &mut PgConnection,
    version: Option<i64>,
    keys: &[String],
) -> Result<(At, Vec<i64>)> {
    let at = At::resolve(&mut *conn, version).await?;
    let ids = read::ids_of(&mut *conn, keys).await?;
    let present =
        read::snapshot(&mut *conn, at, &ids.values().copied().collect::<Vec<_>>()).await?;
    if let Some(k) = keys
        .iter()
        .find(|k| ids.get(*k).is_none_or(|id| !present.contains_key(id)))
    {
        return Err(Error::NoSuchNode {
            key: k.clone(),
            version: at.version,
        });
    }
    Ok((at, ids.values().copied().collect()))
}

fn subtree_sql(at: At) -> String {
    format!(
        "WITH RECURSIVE sub(id) AS (
             SELECT unnest($2::int8[])
             UNION
             SELECT e.child_id FROM sub JOIN edge e ON e.parent_id = sub.id AND {}
         )",
        read::at_sql("e", 1, at)
    )
}

/// Runs `select` (which reads the recursive `sub(id)` of scope nodes) for the subtrees of `keys`.
async fn in_subtrees(
    conn: &mut PgConnection,
    version: Option<i64>,
    keys: &[String],
    select: &str,
) -> Result<Vec<i64>> {
    let (at, roots) = scope_nodes(&mut *conn, version, keys).await?;
    let sql = format!("{} {select}", subtree_sql(at));
    Ok(sqlx::query_scalar(&sql)
        .bind(at.version)
        .bind(&roots)
        .fetch_all(conn)
        .await?)
}

/// The documents classified under any of `keys` or their descendants at `version`.
pub async fn scope_documents(
    conn: &mut PgConnection,
    version: Option<i64>,
    keys: &[String],
) -> Result<Vec<i64>> {
    in_subtrees(
        conn,
        version,
        keys,
        "SELECT DISTINCT dc.document_id FROM document_category dc JOIN sub ON sub.id = dc.node_id",
    )
    .await
}

/// The chunks of the documents in scope: what the retrievers filter on. Read from the scope's
/// materialised row (`search_scope`, migration 0010), made on first use and kept current by the
/// database; while another transaction writes classifications or chunks a new scope cannot be
/// made safely, and the subtree is walked instead ([`scope_chunks_walked`]).
pub async fn scope_chunks(
    conn: &mut PgConnection,
    version: Option<i64>,
    keys: &[String],
) -> Result<Vec<i64>> {
    let (at, mut roots) = scope_nodes(&mut *conn, version, keys).await?;
    roots.sort_unstable();
    roots.dedup();
    let cached: Option<Vec<i64>> = sqlx::query_scalar("SELECT search_scope_chunks($1, $2)")
        .bind(at.version)
        .bind(&roots)
        .fetch_one(&mut *conn)
        .await?;
    match cached {
        Some(chunks) => Ok(chunks),
        None => scope_chunks_walked(conn, Some(at.version), keys).await,
    }
}

/// The chunks in scope, computed by walking the subtrees now: the definition the materialised
/// scopes are checked against.
pub async fn scope_chunks_walked(
    conn: &mut PgConnection,
    version: Option<i64>,
    keys: &[String],
) -> Result<Vec<i64>> {
    in_subtrees(
        conn,
        version,
        keys,
        ", docs AS (SELECT DISTINCT dc.document_id FROM document_category dc JOIN sub ON sub.id = dc.node_id)
         SELECT c.id FROM docs JOIN chunk c ON c.document_id = docs.document_id ORDER BY c.id",
    )
    .await
}

/// Node ids of `keys` and all their descendants at `version` (default: head).
pub async fn subtree_node_ids(
    conn: &mut PgConnection,
    version: Option<i64>,
    keys: &[String],
) -> Result<Vec<i64>> {
    in_subtrees(conn, version, keys, "SELECT id FROM sub").await
}
