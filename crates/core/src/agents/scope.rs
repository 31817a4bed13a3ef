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

async fn following_head(conn: &mut PgConnection) -> Result<Vec<(i64, String)>> {
    Ok(
        sqlx::query_as("SELECT id, name FROM agent WHERE pinned_version IS NULL ORDER BY name")
            .fetch_all(conn)
            .await?,
    )
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

/// What a publish changed in the graph, by node id: what an agent's scope nodes follow from.
pub struct GraphChange<'a> {
    /// Edges opened: parents and children, pairwise.
    pub opened_parents: &'a [i64],
    pub opened_children: &'a [i64],
    /// Parents of the edges closed.
    pub closed_parents: &'a [i64],
    pub removed: &'a [i64],
}

/// After a publish, in its transaction: the agents following the head get their scope nodes
/// from what the publish changed (`agent_nodes_follow_publish`, migration 0015: nodes that come
/// in below an opened edge, or the whole scope again when a closed edge or a removal was inside
/// it), and their documents under the nodes that changed. Returns every agent whose documents
/// differ from `before` — through its nodes, or through classifications the publish moved (a
/// merge, a removal), which the classification triggers have already applied.
pub async fn on_publish(
    conn: &mut PgConnection,
    before: Before,
    graph: &GraphChange<'_>,
) -> Result<Vec<ScopeChange>> {
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
            let entered: Option<Vec<i64>> =
                sqlx::query_scalar("SELECT agent_nodes_follow_publish($1, $2, $3, $4, $5)")
                    .bind(id)
                    .bind(graph.opened_parents)
                    .bind(graph.opened_children)
                    .bind(graph.closed_parents)
                    .bind(graph.removed)
                    .fetch_one(&mut *conn)
                    .await?;
            match entered {
                None => refresh_documents(&mut *conn, id).await?,
                Some(nodes) if !nodes.is_empty() => {
                    // Only the documents under the nodes that came in (a NULL list would mean
                    // every document to `agent_refresh_documents`).
                    let docs: Vec<i64> = sqlx::query_scalar(
                        "SELECT DISTINCT document_id FROM document_category
                         WHERE node_id = ANY ($1::int8[])",
                    )
                    .bind(&nodes)
                    .fetch_all(&mut *conn)
                    .await?;
                    if !docs.is_empty() {
                        sqlx::query("SELECT agent_refresh_documents(ARRAY[$1::int8], $2)")
                            .bind(id)
                            .bind(&docs)
                            .execute(&mut *conn)
                            .await?;
                    }
                }
                Some(_) => {}
            }
        }
        let now = documents(&mut *conn, &role).await?;
        changes.extend(change(name, &was, &now));
    }
    Ok(changes)
}

/// How the scopes of the agents following the head differ between taxonomy versions `from`
/// and `to`, with today's classifications. Read-only (`agent_scope_change`, migration 0015: only
/// the nodes below edges that changed between the versions are looked at, when one side is the
/// head): a diff takes no row lock that a publish or a review decision would wait for.
pub async fn between(conn: &mut PgConnection, from: i64, to: i64) -> Result<Vec<ScopeChange>> {
    let agents = following_head(&mut *conn).await?;
    if agents.is_empty() || from == to {
        return Ok(Vec::new());
    }
    let mut changes = Vec::new();
    for (id, name) in agents {
        let (before, after, added, removed): (i64, i64, i64, i64) =
            sqlx::query_as("SELECT * FROM agent_scope_change($1, $2, $3)")
                .bind(id)
                .bind(from)
                .bind(to)
                .fetch_one(&mut *conn)
                .await?;
        if added + removed > 0 {
            changes.push(ScopeChange {
                agent: name,
                documents_before: before,
                documents_after: after,
                added,
                removed,
            });
        }
    }
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
