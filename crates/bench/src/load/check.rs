//! After a run: the versions are dense (no gap, no duplicate), exactly the successful publishes
//! added versions, and every publish and every review decision has its audit entry.

use sqlx::PgPool;

use super::client::{Op, Sample};
use dtrag_core::Result;

#[derive(Debug, Clone, Copy)]
pub struct Counts {
    versions: i64,
    decisions: i64,
    decision_entries: i64,
}

impl Counts {
    pub async fn read(pool: &PgPool) -> Result<Counts> {
        let (versions, decisions, decision_entries): (i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM taxonomy_version),
                    (SELECT count(*) FROM review_decision),
                    (SELECT count(*) FROM audit_log WHERE action = 'review.accept')",
        )
        .fetch_one(pool)
        .await?;
        Ok(Counts {
            versions,
            decisions,
            decision_entries,
        })
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Integrity {
    /// Versions 0..=max with none missing.
    pub versions_dense: bool,
    pub versions_added: i64,
    pub publishes_ok: i64,
    /// Versions without their `taxonomy.*` audit entry (should be 0).
    pub versions_unaudited: i64,
    pub decisions_added: i64,
    pub decision_entries_added: i64,
    pub ok: bool,
}

pub async fn check(
    pool: &PgPool,
    before: &Counts,
    after: &Counts,
    samples: &[Sample],
) -> Result<Integrity> {
    let (count, min, max): (i64, Option<i64>, Option<i64>) =
        sqlx::query_as("SELECT count(*), min(version), max(version) FROM taxonomy_version")
            .fetch_one(pool)
            .await?;
    // Version 0 is the empty taxonomy the first migration writes (no audit entry: no one made it).
    let versions_dense = min == Some(0) && max == Some(count - 1);
    let versions_unaudited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM taxonomy_version v WHERE v.version > 0 AND NOT EXISTS
           (SELECT 1 FROM audit_log a WHERE a.version = v.version AND a.action LIKE 'taxonomy.%')",
    )
    .fetch_one(pool)
    .await?;
    let publishes_ok = samples
        .iter()
        .filter(|s| s.op == Op::Publish && s.error.is_none())
        .count() as i64;
    let versions_added = after.versions - before.versions;
    let decisions_added = after.decisions - before.decisions;
    let decision_entries_added = after.decision_entries - before.decision_entries;
    Ok(Integrity {
        versions_dense,
        versions_added,
        publishes_ok,
        versions_unaudited,
        decisions_added,
        decision_entries_added,
        ok: versions_dense
            && versions_added == publishes_ok
            && versions_unaudited == 0
            && decisions_added == decision_entries_added,
    })
}
