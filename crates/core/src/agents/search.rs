//! A search as an agent: the retrievers run as the agent's role, so row-level security — not
//! this code — decides which rows they see.
//!
//! Both connections share one snapshot (REPEATABLE READ, the second imports the first's
//! exported snapshot): a publish that moves a category out while the search runs gives the old
//! scope or the new one on both sides, never a mix. The request is resolved (model, `under`)
//! as the owner before the role is taken, and the hits' details are read as the owner after it
//! is dropped again, for exactly the chunks the agent's retrievers returned.

use std::sync::Arc;
use std::time::Instant;

use serde::Deserialize;
use sqlx::{PgConnection, PgPool};

use super::{roles, store};
use crate::error::{Error, Result};
use crate::limits;
use crate::models::{EmbedderSource, KnnPlan};
use crate::search::bm25::Bm25Stats;
use crate::search::run::{prepare, present, retrieve};
use crate::search::{Mode, SearchRequest, SearchResult};

/// A search as an agent: the agent's settings, with what the caller overrides.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AgentSearch {
    pub agent: String,
    pub query: String,
    pub mode: Option<Mode>,
    pub k: Option<usize>,
    /// Narrows the agent's scope further (never widens it).
    #[serde(default)]
    pub under: Vec<String>,
    /// Brute-force vector scan of the agent's scope (ground truth for recall).
    #[serde(default)]
    pub exact: bool,
}

/// Makes a fresh transaction REPEATABLE READ and READ ONLY, on `snapshot` when given (both must
/// come before the transaction's first query) and as `role` when given. One round trip, by the
/// simple query protocol: no statement is prepared (and cached) per snapshot id.
async fn snapshot_transaction(
    conn: &mut PgConnection,
    snapshot: Option<&str>,
    role: Option<&str>,
) -> Result<()> {
    let mut sql = String::from("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY;");
    if let Some(id) = snapshot {
        // A literal only, and no query may run first to quote it: the id is pg_export_snapshot's
        // (hex digits and dashes), checked here.
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') {
            return Err(Error::Internal(format!("unexpected snapshot id {id:?}")));
        }
        sql.push_str(&format!("SET TRANSACTION SNAPSHOT '{id}';"));
    }
    if let Some(role) = role {
        sql.push_str(&roles::set_local_sql(role)?);
    }
    sqlx::Executor::execute(&mut *conn, sql.as_str()).await?;
    Ok(())
}

/// The agent's chunk ids when its scope is small enough to scan exactly (read as the agent).
/// Its size and its chunks are its one `agent_corpus` row: the count, and the bitmap its row
/// policies read (migration 0020), sent as text only for a small scope and decoded here. One
/// round trip, where aggregating its `agent_chunk` rows cost the server a few ms of CPU while the
/// query was being embedded on the same two cores. The text is one byte per chunk id up to the
/// scope's largest (82 kB for the benchmark's 10,699-chunk scope, against 86 kB as an id array),
/// so it grows with the corpus's ids, not the scope: about 1 MB at a million chunks.
async fn small_scope(conn: &mut PgConnection) -> Result<Option<Vec<i64>>> {
    let row: Option<(i64, Option<String>)> = sqlx::query_as(
        "SELECT chunks, CASE WHEN chunks <= $1 THEN chunk_bits::text END FROM agent_corpus",
    )
    .bind(limits::EXACT_SCOPE_CHUNKS as i64)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(match row {
        None => Some(Vec::new()),
        Some((_, Some(bits))) => Some(ids_of_bits(&bits)),
        Some((_, None)) => None,
    })
}

/// The chunk ids a scope bitmap holds, ascending: bit i (the i-th character, from 0) is chunk i.
fn ids_of_bits(bits: &str) -> Vec<i64> {
    bits.bytes()
        .zip(0i64..)
        .filter(|(b, _)| *b == b'1')
        .map(|(_, id)| id)
        .collect()
}

/// Runs `search` as its agent.
pub async fn run(
    pool: &PgPool,
    search: &AgentSearch,
    embedders: Arc<dyn EmbedderSource>,
) -> Result<SearchResult> {
    let started = Instant::now();
    let agent = store::definition(pool, &search.agent).await?;
    let req = SearchRequest {
        mode: search.mode.unwrap_or(agent.settings.mode),
        k: search.k.unwrap_or(agent.settings.k),
        under: search.under.clone(),
        exact: search.exact,
        ..agent.settings.request(&search.query)
    };

    // Read only: dropping either transaction unfinished (an error) changes nothing.
    let mut tx = pool.begin().await?;
    snapshot_transaction(&mut tx, None, None).await?;
    let snapshot: String = sqlx::query_scalar("SELECT pg_export_snapshot()")
        .fetch_one(&mut *tx)
        .await?;
    let mut plan = prepare(&mut tx, &req, embedders).await?;
    let mut second = match plan.model {
        Some(_) => {
            let mut t = pool.begin().await?;
            snapshot_transaction(&mut t, Some(&snapshot), Some(&agent.role)).await?;
            Some(t)
        }
        None => None,
    };
    roles::set_local(&mut tx, &agent.role).await?;
    if plan.scope.is_none() && plan.plan.is_some() {
        if let Some(ids) = small_scope(&mut tx).await? {
            plan.plan = Some(KnnPlan::ExactInScope);
            plan.scope = Some(ids);
            plan.scope_is_policy = true;
        }
    }
    let lists = retrieve(
        &mut tx,
        second.as_deref_mut(),
        &mut plan,
        Bm25Stats::Visible,
    )
    .await?;
    if let Some(t) = second {
        t.commit().await?;
    }
    // Back to the connection's own role (dtrag_app), not the login: `RESET ROLE` returns to the
    // role the connection started with.
    sqlx::query("RESET ROLE").execute(&mut *tx).await?;
    let result = present(&mut tx, plan, lists, started).await?;
    tx.commit().await?;
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::ids_of_bits;

    #[test]
    fn a_scope_bitmap_decodes_to_its_ids_in_order() {
        assert_eq!(ids_of_bits("0110001"), vec![1, 2, 6]);
        assert!(ids_of_bits("").is_empty());
        assert!(ids_of_bits("0000").is_empty());
    }
}
