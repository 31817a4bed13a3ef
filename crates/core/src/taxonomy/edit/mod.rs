//! Edits: a change set of operations based on a version, published together as one version.
//!
//! Operations are applied in order to a working copy of the nodes they touch (loaded lazily from
//! the head), then the working copy is published through the one write path. When the head has
//! moved past the base, the change set is rebased if none of the nodes it writes changed since the
//! base; otherwise the conflict is reported and nothing is written.

mod ops;
mod working_copy;

use std::collections::{BTreeMap, BTreeSet};

use sqlx::PgPool;

use super::diff::{self, Diff};
use super::model::{PublishMeta, VersionKind};
use super::publish::{self, CycleCheck, Published, Target};
use super::read;
use crate::error::{Error, Result};
use working_copy::Workspace;

pub use ops::{parse_ops, read_ops, EditOp};

/// Publishes `ops`, written against version `base`, as one version.
pub async fn apply(
    pool: &PgPool,
    base: i64,
    ops: &[EditOp],
    meta: &PublishMeta,
) -> Result<Published> {
    let mut tx = pool.begin().await?;
    let published = apply_in(&mut tx, base, ops, meta).await?;
    tx.commit().await?;
    Ok(published)
}

/// What publishing `ops` would change, without publishing: the change set is applied and checked
/// exactly as `apply` does (cycles, conflicts, missing nodes are reported the same way) inside a
/// transaction that is then rolled back.
pub async fn preview(pool: &PgPool, base: i64, ops: &[EditOp], meta: &PublishMeta) -> Result<Diff> {
    let mut tx = pool.begin().await?;
    let published = apply_in(&mut tx, base, ops, meta).await?;
    let to = published.version.unwrap_or(published.base_head);
    let mut diff = diff::diff(&mut tx, published.base_head, to).await?;
    // Exactly what the publish did to classifications, moved entries (which it leaves alone)
    // kept from the diff's own reading.
    let moved: Vec<_> = diff
        .impact
        .entries
        .drain(..)
        .filter(|e| e.change == "moved")
        .collect();
    diff.impact = published.impact;
    diff.impact.entries.extend(moved);
    // Exactly what the publish did to agents' scopes, merges' carried classifications included.
    diff.agent_scopes = published.agent_scopes;
    tx.rollback().await?;
    Ok(diff)
}

async fn apply_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    base: i64,
    ops: &[EditOp],
    meta: &PublishMeta,
) -> Result<Published> {
    let head = publish::begin(tx).await?;
    if base < 0 || base > head {
        return Err(Error::NoSuchVersion(base));
    }
    let mut ws = Workspace {
        conn: tx,
        head,
        nodes: BTreeMap::new(),
        written: BTreeSet::new(),
    };
    for (i, op) in ops.iter().enumerate() {
        ws.apply(op).await.map_err(|e| match e {
            Error::Db(_) | Error::Io { .. } => e,
            other => Error::BadEdit {
                index: i + 1,
                op: op.name().to_string(),
                message: other.to_string(),
            },
        })?;
    }
    let target: Target = ws
        .written
        .iter()
        .map(|k| (k.clone(), ws.nodes.get(k).cloned().flatten()))
        .collect();

    if base < head {
        // Rebase: allowed when nothing this change set writes was changed since its base.
        let changed = read::changed_node_ids(tx, base, head).await?;
        let changed_keys: BTreeSet<String> = if changed.is_empty() {
            BTreeSet::new()
        } else {
            sqlx::query_scalar::<_, String>("SELECT key FROM node WHERE id = ANY($1::int8[])")
                .bind(&changed)
                .fetch_all(&mut **tx)
                .await?
                .into_iter()
                .collect()
        };
        let conflicts: Vec<String> = target
            .keys()
            .filter(|k| changed_keys.contains(*k))
            .cloned()
            .collect();
        if !conflicts.is_empty() {
            return Err(Error::Conflict {
                base,
                head,
                keys: conflicts,
            });
        }
    }

    publish::publish(
        tx,
        head,
        target,
        publish::Request {
            kind: VersionKind::Edit,
            meta,
            restored_from: None,
            language: None,
            deprecated: Default::default(),
            cycle_check: CycleCheck::InDatabase,
            audit_details: serde_json::json!({ "base": base, "ops": ops }),
            merges: ops
                .iter()
                .filter_map(|op| match op {
                    EditOp::Merge { from, into } => Some((from.clone(), into.clone())),
                    _ => None,
                })
                .collect(),
        },
    )
    .await
}
