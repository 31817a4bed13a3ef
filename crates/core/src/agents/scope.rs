//! The materialised scope of each agent: `agent_node` (the allowed categories and their
//! descendants at the agent's version) and `agent_document` (the documents classified under
//! them), which the row-level security policies read.
//!
//! The rules live in SQL (migration 0006): `agent_refresh_nodes` and `agent_refresh_documents`,
//! and triggers on `classification` that refresh the documents a statement touched — so a
//! review decision, a classify run, an import or an undo keeps the scope current in its own
//! transaction without knowing about agents. What the triggers cannot see is a publish: it
//! changes which nodes are under which, so [`on_publish`] refreshes the agents following the
//! head inside the publishing transaction.

use serde::Serialize;
use sqlx::PgConnection;

use super::ScopeSize;
use crate::error::Result;

/// An agent whose scope a publish changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ScopeChange {
    pub agent: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub documents_before: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub documents_after: i64,
}

/// Recomputes one agent's whole scope (after it was created or its definition changed).
pub async fn refresh(conn: &mut PgConnection, agent_id: i64) -> Result<()> {
    sqlx::query("SELECT agent_refresh_nodes($1)")
        .bind(agent_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("SELECT agent_refresh_documents(ARRAY[$1::int8], NULL)")
        .bind(agent_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// After a publish, in its transaction: the agents following the head whose scope nodes
/// changed get their documents recomputed. Returns those whose documents changed.
pub async fn on_publish(conn: &mut PgConnection) -> Result<Vec<ScopeChange>> {
    let agents: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT id, name, role_name FROM agent WHERE pinned_version IS NULL ORDER BY name",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut changes = Vec::new();
    for (id, name, role) in agents {
        let changed: bool = sqlx::query_scalar("SELECT agent_refresh_nodes($1)")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
        if !changed {
            continue;
        }
        let before = documents(&mut *conn, &role).await?;
        sqlx::query("SELECT agent_refresh_documents(ARRAY[$1::int8], NULL)")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        let after = documents(&mut *conn, &role).await?;
        if before != after {
            changes.push(ScopeChange {
                agent: name,
                documents_before: before,
                documents_after: after,
            });
        }
    }
    Ok(changes)
}

async fn documents(conn: &mut PgConnection, role: &str) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT count(*) FROM agent_document WHERE role_name = $1")
            .bind(role)
            .fetch_one(conn)
            .await?,
    )
}

/// How much an agent's scope holds.
pub async fn size(conn: &mut PgConnection, agent_id: i64) -> Result<ScopeSize> {
    let (nodes, documents, chunks): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM agent_node WHERE agent_id = a.id),
                (SELECT count(*) FROM agent_document WHERE role_name = a.role_name),
                (SELECT count(*) FROM agent_document ad JOIN chunk c ON c.document_id = ad.document_id
                 WHERE ad.role_name = a.role_name)
         FROM agent a WHERE a.id = $1",
    )
    .bind(agent_id)
    .fetch_one(conn)
    .await?;
    Ok(ScopeSize {
        nodes,
        documents,
        chunks,
    })
}
