//! The leak self-check: probes run as the agent's role (in a transaction that is rolled back)
//! that what it can read is exactly its scope and everything else is refused — the same
//! questions the leak tests ask, asked of the live database. (Taking another role is not probed
//! here: under `SET ROLE` PostgreSQL checks the session's user, which is the owner; the leak
//! tests check it logged in as the agent.)

use serde::Serialize;
use sqlx::{Connection, PgConnection, PgPool};

use super::roles;
use crate::error::Result;

/// One probe and its outcome.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Probe {
    pub name: String,
    pub passed: bool,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SelfCheck {
    pub agent: String,
    pub passed: bool,
    pub probes: Vec<Probe>,
}

/// What the owner says the scope holds: documents, chunks.
async fn expected(conn: &mut PgConnection, role: &str) -> Result<(i64, i64)> {
    Ok(sqlx::query_as(
        "SELECT (SELECT count(*) FROM agent_document WHERE role_name = $1),
                (SELECT count(*) FROM chunk c JOIN agent_document ad
                   ON ad.document_id = c.document_id AND ad.role_name = $1)",
    )
    .bind(role)
    .fetch_one(conn)
    .await?)
}

/// Runs `sql` as the agent inside a savepoint; `Ok(code)` is the SQLSTATE when it was refused.
async fn refused(conn: &mut PgConnection, sql: &str) -> Result<Option<String>> {
    let mut sp = conn.begin().await?;
    let out = match sqlx::query(sql).execute(&mut *sp).await {
        Ok(_) => None,
        Err(sqlx::Error::Database(e)) => Some(e.code().map(|c| c.to_string()).unwrap_or_default()),
        Err(e) => return Err(e.into()),
    };
    sp.rollback().await?;
    Ok(out)
}

/// Checks the agent's isolation; nothing is written (the transaction is rolled back).
pub async fn run(pool: &PgPool, name: &str) -> Result<SelfCheck> {
    let agent = super::get(pool, name).await?;
    let mut tx = pool.begin().await?;
    let (documents, chunks) = expected(&mut tx, &agent.role).await?;
    roles::set_local(&mut tx, &agent.role).await?;
    let mut probes = Vec::new();
    let mut probe = |name: &str, passed: bool, detail: String| {
        probes.push(Probe {
            name: name.into(),
            passed,
            detail,
        })
    };

    let (docs_seen, chunks_seen, vectors_outside, postings_outside, scope_rows): (
        i64,
        i64,
        i64,
        i64,
        i64,
    ) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM document),
                (SELECT count(*) FROM chunk),
                (SELECT count(*) FROM chunk_embedding e
                  WHERE e.chunk_id NOT IN (SELECT c.id FROM chunk c)),
                (SELECT count(*) FROM (SELECT DISTINCT chunk_id FROM bm25_posting) p
                  WHERE p.chunk_id NOT IN (SELECT c.id FROM chunk c)),
                (SELECT count(*) FROM agent_document WHERE role_name <> current_user)",
    )
    .fetch_one(&mut *tx)
    .await?;
    probe(
        "documents",
        docs_seen == documents,
        format!("{docs_seen} visible, {documents} in scope"),
    );
    probe(
        "chunks",
        chunks_seen == chunks,
        format!("{chunks_seen} visible, {chunks} in scope"),
    );
    probe(
        "vectors",
        vectors_outside == 0,
        format!("{vectors_outside} outside the visible chunks"),
    );
    probe(
        "postings",
        postings_outside == 0,
        format!("{postings_outside} chunks outside the visible ones"),
    );
    probe(
        "other agents' scopes",
        scope_rows == 0,
        format!("{scope_rows} rows of other roles"),
    );
    let stats: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_stats
         WHERE tablename IN ('document', 'chunk', 'chunk_embedding', 'bm25_posting')",
    )
    .fetch_one(&mut *tx)
    .await?;
    probe(
        "planner statistics",
        stats == 0,
        format!("{stats} pg_stats rows visible"),
    );
    for (what, sql) in [
        (
            "writes",
            "INSERT INTO document (source_id, title, content_hash) VALUES ('x', 'x', 'x')",
        ),
        ("the audit log", "SELECT 1 FROM audit_log LIMIT 1"),
        ("agent definitions", "SELECT 1 FROM agent LIMIT 1"),
        ("classifications", "SELECT 1 FROM classification LIMIT 1"),
        ("new tables", "CREATE TABLE dtrag_self_check (x int)"),
        (
            "temporary tables",
            "CREATE TEMP TABLE dtrag_self_check (x int)",
        ),
    ] {
        let code = refused(&mut tx, sql).await?;
        probe(
            &format!("refuses {what}"),
            code.is_some(),
            code.map(|c| format!("refused ({c})"))
                .unwrap_or_else(|| "allowed".into()),
        );
    }
    sqlx::query("SET LOCAL row_security = off")
        .execute(&mut *tx)
        .await?;
    let code = refused(&mut tx, "SELECT 1 FROM document LIMIT 1").await?;
    probe(
        "row security cannot be turned off",
        code.is_some(),
        code.map(|c| format!("reads fail instead ({c})"))
            .unwrap_or_else(|| "reads succeeded".into()),
    );
    tx.rollback().await?;
    let passed = probes.iter().all(|p| p.passed);
    Ok(SelfCheck {
        agent: agent.name,
        passed,
        probes,
    })
}
