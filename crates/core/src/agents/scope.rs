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

use std::collections::HashSet;

use serde::Serialize;
use sqlx::PgConnection;

use super::ScopeSize;
use crate::error::Result;

/// An agent whose scope a change alters (a publish, or the difference between two versions).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ScopeChange {
    pub agent: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub documents_before: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub documents_after: i64,
    /// Documents that enter the scope.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub added: i64,
    /// Documents that leave it.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub removed: i64,
}

/// Recomputes one agent's whole scope (after it was created or its definition changed).
pub async fn refresh(conn: &mut PgConnection, agent_id: i64) -> Result<()> {
    sqlx::query("SELECT agent_refresh_nodes($1)")
        .bind(agent_id)
        .execute(&mut *conn)
        .await?;
    refresh_documents(conn, agent_id).await
}

async fn refresh_documents(conn: &mut PgConnection, agent_id: i64) -> Result<()> {
    sqlx::query("SELECT agent_refresh_documents(ARRAY[$1::int8], NULL)")
        .bind(agent_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

async fn documents(conn: &mut PgConnection, role: &str) -> Result<HashSet<i64>> {
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT document_id FROM agent_document WHERE role_name = $1")
            .bind(role)
            .fetch_all(conn)
            .await?;
    Ok(ids.into_iter().collect())
}

fn change(agent: String, before: &HashSet<i64>, after: &HashSet<i64>) -> Option<ScopeChange> {
    let added = after.difference(before).count() as i64;
    let removed = before.difference(after).count() as i64;
    (added + removed > 0).then_some(ScopeChange {
        agent,
        documents_before: before.len() as i64,
        documents_after: after.len() as i64,
        added,
        removed,
    })
}

async fn following_head(conn: &mut PgConnection) -> Result<Vec<(i64, String, String)>> {
    Ok(sqlx::query_as(
        "SELECT id, name, role_name FROM agent WHERE pinned_version IS NULL ORDER BY name",
    )
    .fetch_all(conn)
    .await?)
}

/// Every agent's documents before a publish touches anything (see [`on_publish`]).
pub struct Before(Vec<AgentDocuments>);

struct AgentDocuments {
    id: i64,
    name: String,
    role: String,
    pinned: Option<i64>,
    documents: HashSet<i64>,
}

/// Called at the start of a publish's classification step: what each agent's scope holds now.
pub async fn before_publish(conn: &mut PgConnection) -> Result<Before> {
    let agents: Vec<(i64, String, String, Option<i64>)> =
        sqlx::query_as("SELECT id, name, role_name, pinned_version FROM agent ORDER BY name")
            .fetch_all(&mut *conn)
            .await?;
    let mut out = Vec::with_capacity(agents.len());
    for (id, name, role, pinned) in agents {
        let documents = documents(&mut *conn, &role).await?;
        out.push(AgentDocuments {
            id,
            name,
            role,
            pinned,
            documents,
        });
    }
    Ok(Before(out))
}

/// After a publish, in its transaction: the agents following the head whose scope nodes
/// changed get their documents recomputed. Returns every agent whose documents differ from
/// `before` — through its nodes, or through classifications the publish moved (a merge, a
/// removal), which the classification triggers have already applied.
pub async fn on_publish(conn: &mut PgConnection, before: Before) -> Result<Vec<ScopeChange>> {
    let mut changes = Vec::new();
    for AgentDocuments {
        id,
        name,
        role,
        pinned,
        documents: was,
    } in before.0
    {
        if pinned.is_none() {
            let nodes_changed: bool = sqlx::query_scalar("SELECT agent_refresh_nodes($1)")
                .bind(id)
                .fetch_one(&mut *conn)
                .await?;
            if nodes_changed {
                refresh_documents(&mut *conn, id).await?;
            }
        }
        let now = documents(&mut *conn, &role).await?;
        changes.extend(change(name, &was, &now));
    }
    Ok(changes)
}

/// The agent's documents were it pinned to version `v` (inside the caller's savepoint).
async fn pinned_scope(
    conn: &mut PgConnection,
    id: i64,
    role: &str,
    v: i64,
) -> Result<HashSet<i64>> {
    sqlx::query("UPDATE agent SET pinned_version = $2 WHERE id = $1")
        .bind(id)
        .bind(v)
        .execute(&mut *conn)
        .await?;
    refresh(&mut *conn, id).await?;
    documents(conn, role).await
}

/// How the scopes of the agents following the head differ between taxonomy versions `from`
/// and `to`, with today's classifications: each agent is pinned to one version and then the
/// other inside a savepoint that is rolled back, so the rules are exactly the live ones.
pub async fn between(conn: &mut PgConnection, from: i64, to: i64) -> Result<Vec<ScopeChange>> {
    let agents = following_head(&mut *conn).await?;
    if agents.is_empty() || from == to {
        return Ok(Vec::new());
    }
    let mut sp = sqlx::Connection::begin(&mut *conn).await?;
    let mut changes = Vec::new();
    for (id, name, role) in agents {
        let before = pinned_scope(&mut sp, id, &role, from).await?;
        let after = pinned_scope(&mut sp, id, &role, to).await?;
        changes.extend(change(name, &before, &after));
    }
    sp.rollback().await?;
    Ok(changes)
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
