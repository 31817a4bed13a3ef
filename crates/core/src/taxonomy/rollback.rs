//! Rollback: publish a new version whose content equals an earlier one. Only the nodes that differ
//! between the head and the chosen version are rewritten, so it costs O(changes) and is one
//! transaction. History is kept: the rollback is a version like any other and can be undone.

use std::time::Instant;

use serde::Serialize;
use sqlx::PgPool;

use super::diff::{self, Diff};
use super::model::{PublishMeta, VersionKind};
use super::publish::{self, CycleCheck, Target};
use super::read;
use crate::error::{Error, Result};

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RollbackOutcome {
    /// The version published, `None` for a dry run or when the head already equals the target.
    pub version: Option<i64>,
    pub restored: i64,
    pub head_before: i64,
    pub dry_run: bool,
    /// What the rollback changes: the diff from the old head to the restored content.
    pub diff: Diff,
    pub elapsed_ms: f64,
}

pub async fn rollback(
    pool: &PgPool,
    to: i64,
    dry_run: bool,
    meta: &PublishMeta,
) -> Result<RollbackOutcome> {
    let started = Instant::now();
    let mut tx = pool.begin().await?;
    let head = publish::begin(&mut tx).await?;
    if to < 0 || to > head {
        return Err(Error::NoSuchVersion(to));
    }
    let ids = read::changed_node_ids(&mut tx, to, head).await?;
    let now = diff::states(&mut tx, head, head, &ids).await?;
    let then = diff::states(&mut tx, to, head, &ids).await?;
    let mut applied = diff::compare(head, to, &now, &then);
    diff::add_deprecated(&mut tx, &mut applied, head).await?;
    let unpublished = |diff: Diff| RollbackOutcome {
        version: None,
        restored: to,
        head_before: head,
        dry_run,
        diff,
        elapsed_ms: started.elapsed().as_secs_f64() * 1e3,
    };
    if applied.is_empty() {
        tx.rollback().await?;
        return Ok(unpublished(applied));
    }
    let mut target: Target = now.keys().map(|k| (k.clone(), None)).collect();
    target.extend(then.into_iter().map(|(k, n)| (k, Some(n))));
    // A dry run publishes too, inside the transaction it then rolls back, so its preview of the
    // classifications' fate is exactly what the rollback would do.
    let published = publish::publish(
        &mut tx,
        head,
        target,
        publish::Request {
            kind: VersionKind::Rollback,
            meta,
            restored_from: Some(to),
            // The result equals version `to`, which was acyclic; checking again is cheap insurance.
            cycle_check: CycleCheck::InDatabase,
            audit_details: serde_json::json!({ "restored": to, "summary": applied.summary }),
            merges: Vec::new(),
            language: None,
            deprecated: Default::default(),
        },
    )
    .await?;
    applied.impact = published.impact.clone();
    applied.agent_scopes = published.agent_scopes.clone();
    if dry_run {
        tx.rollback().await?;
        return Ok(unpublished(applied));
    }
    tx.commit().await?;
    Ok(RollbackOutcome {
        version: published.version,
        restored: to,
        head_before: head,
        dry_run,
        diff: applied,
        elapsed_ms: started.elapsed().as_secs_f64() * 1e3,
    })
}
