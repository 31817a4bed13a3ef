//! Edits: a change set of operations based on a version, published together as one version.
//!
//! Operations are applied in order to a working copy of the nodes they touch (loaded lazily from
//! the head), then the working copy is published through the one write path. When the head has
//! moved past the base, the change set is rebased if none of the nodes it writes changed since the
//! base; otherwise the conflict is reported and nothing is written.

use std::collections::{BTreeMap, BTreeSet};
use std::io::BufRead;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};

use super::diff::{self, Diff};
use super::model::{NodeContent, NodeFull, PublishMeta, VersionKind};
use super::publish::{self, CycleCheck, Published, Target};
use super::read;
use crate::error::{Error, Result};

/// One edit operation (JSON: `{"op": "rename", "key": "...", "label": "..."}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum EditOp {
    Add {
        key: String,
        label: String,
        #[serde(default)]
        alt_labels: Vec<String>,
        #[serde(default)]
        description: String,
        #[serde(default)]
        parents: Vec<String>,
    },
    Rename {
        key: String,
        label: String,
    },
    SetDescription {
        key: String,
        description: String,
    },
    SetAltLabels {
        key: String,
        alt_labels: Vec<String>,
    },
    AddParent {
        key: String,
        parent: String,
    },
    RemoveParent {
        key: String,
        parent: String,
    },
    /// Replaces all parents (an empty list makes the node a root).
    Move {
        key: String,
        parents: Vec<String>,
    },
    /// Removes a node. Refused while it has children, unless `cascade`: then its edges to its
    /// children are removed too, and children left without any parent are deleted the same way.
    Delete {
        key: String,
        #[serde(default)]
        cascade: bool,
    },
    /// Merges `from` into `into`: `from`'s children move to `into`, its label and alternative
    /// labels become alternative labels of `into`, and `from` is removed.
    Merge {
        from: String,
        into: String,
    },
}

impl EditOp {
    pub fn name(&self) -> &'static str {
        match self {
            EditOp::Add { .. } => "add",
            EditOp::Rename { .. } => "rename",
            EditOp::SetDescription { .. } => "set_description",
            EditOp::SetAltLabels { .. } => "set_alt_labels",
            EditOp::AddParent { .. } => "add_parent",
            EditOp::RemoveParent { .. } => "remove_parent",
            EditOp::Move { .. } => "move",
            EditOp::Delete { .. } => "delete",
            EditOp::Merge { .. } => "merge",
        }
    }
}

/// Reads a change set file: one operation per line (blank lines skipped).
pub fn read_ops(path: &Path) -> Result<Vec<EditOp>> {
    let f = std::fs::File::open(path).map_err(|e| Error::io_path(path, e))?;
    parse_ops(std::io::BufReader::new(f), path)
}

pub fn parse_ops(reader: impl BufRead, name: &Path) -> Result<Vec<EditOp>> {
    let mut ops = Vec::new();
    for (i, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| Error::io_path(name, e))?;
        if line.len() > crate::limits::MAX_LINE_BYTES {
            return Err(Error::bad_input(name, i + 1, "line is too long"));
        }
        if line.trim().is_empty() {
            continue;
        }
        let op = serde_json::from_str(&line)
            .map_err(|e| Error::bad_input(name, i + 1, format!("malformed operation: {e}")))?;
        ops.push(op);
    }
    if ops.is_empty() {
        return Err(Error::bad_input(
            name,
            0,
            "the change set has no operations",
        ));
    }
    Ok(ops)
}

/// The nodes a change set reads and writes, loaded from the head on first use.
struct Workspace<'c> {
    conn: &'c mut PgConnection,
    head: i64,
    nodes: BTreeMap<String, Option<NodeFull>>,
    written: BTreeSet<String>,
}

impl<'c> Workspace<'c> {
    async fn load(&mut self, key: &str) -> Result<()> {
        if self.nodes.contains_key(key) {
            return Ok(());
        }
        let ids = read::ids_of(&mut *self.conn, &[key.to_string()]).await?;
        let node = match ids.get(key) {
            Some(&id) => read::snapshot(&mut *self.conn, read::At::head(self.head), &[id])
                .await?
                .remove(&id)
                .map(|(_, n)| n),
            None => None,
        };
        self.nodes.insert(key.to_string(), node);
        Ok(())
    }

    async fn get(&mut self, key: &str) -> Result<Option<&NodeFull>> {
        self.load(key).await?;
        Ok(self.nodes.get(key).and_then(Option::as_ref))
    }

    /// The node, which must exist (in the working copy).
    async fn existing(&mut self, key: &str) -> Result<NodeFull> {
        self.get(key)
            .await?
            .cloned()
            .ok_or_else(|| Error::NoSuchNode {
                key: key.to_string(),
                version: self.head,
            })
    }

    fn put(&mut self, key: &str, node: Option<NodeFull>) {
        self.nodes.insert(key.to_string(), node);
        self.written.insert(key.to_string());
    }

    /// Children of `key` in the working copy: the head's children whose working state still names
    /// `key`, plus working nodes that name it.
    async fn children(&mut self, key: &str) -> Result<Vec<String>> {
        let head_children = read::children(&mut *self.conn, read::At::head(self.head), key).await?;
        let mut out = BTreeSet::new();
        for c in head_children {
            self.load(&c.key).await?;
            out.insert(c.key);
        }
        for (k, n) in &self.nodes {
            if n.as_ref().is_some_and(|n| n.parents.contains(key)) {
                out.insert(k.clone());
            }
        }
        Ok(out
            .into_iter()
            .filter(|k| {
                self.nodes
                    .get(k)
                    .and_then(Option::as_ref)
                    .is_some_and(|n| n.parents.contains(key))
            })
            .collect())
    }

    async fn require_parents_exist(&mut self, parents: &BTreeSet<String>) -> Result<()> {
        for p in parents {
            if self.get(p).await?.is_none() {
                return Err(Error::NoSuchNode {
                    key: p.clone(),
                    version: self.head,
                });
            }
        }
        Ok(())
    }

    async fn apply(&mut self, op: &EditOp) -> Result<()> {
        match op {
            EditOp::Add {
                key,
                label,
                alt_labels,
                description,
                parents,
            } => {
                if self.get(key).await?.is_some() {
                    return Err(Error::Invalid(format!("node {key:?} already exists")));
                }
                let parents: BTreeSet<String> = parents.iter().cloned().collect();
                self.require_parents_exist(&parents).await?;
                self.put(
                    key,
                    Some(NodeFull {
                        content: NodeContent {
                            label: label.clone(),
                            alt_labels: alt_labels.clone(),
                            description: description.clone(),
                        },
                        parents,
                    }),
                );
            }
            EditOp::Rename { key, label } => {
                let mut n = self.existing(key).await?;
                n.content.label = label.clone();
                self.put(key, Some(n));
            }
            EditOp::SetDescription { key, description } => {
                let mut n = self.existing(key).await?;
                n.content.description = description.clone();
                self.put(key, Some(n));
            }
            EditOp::SetAltLabels { key, alt_labels } => {
                let mut n = self.existing(key).await?;
                n.content.alt_labels = alt_labels.clone();
                self.put(key, Some(n));
            }
            EditOp::AddParent { key, parent } => {
                let mut n = self.existing(key).await?;
                self.require_parents_exist(&BTreeSet::from([parent.clone()]))
                    .await?;
                if !n.parents.insert(parent.clone()) {
                    return Err(Error::Invalid(format!(
                        "{parent:?} is already a parent of {key:?}"
                    )));
                }
                self.put(key, Some(n));
            }
            EditOp::RemoveParent { key, parent } => {
                let mut n = self.existing(key).await?;
                if !n.parents.remove(parent) {
                    return Err(Error::Invalid(format!(
                        "{parent:?} is not a parent of {key:?}"
                    )));
                }
                self.put(key, Some(n));
            }
            EditOp::Move { key, parents } => {
                let mut n = self.existing(key).await?;
                let parents: BTreeSet<String> = parents.iter().cloned().collect();
                self.require_parents_exist(&parents).await?;
                n.parents = parents;
                self.put(key, Some(n));
            }
            EditOp::Delete { key, cascade } => {
                self.existing(key).await?;
                self.delete(key, *cascade).await?;
            }
            EditOp::Merge { from, into } => {
                if from == into {
                    return Err(Error::Invalid("cannot merge a node into itself".into()));
                }
                let source = self.existing(from).await?;
                let mut target = self.existing(into).await?;
                for child in self.children(from).await? {
                    let mut c = self.existing(&child).await?;
                    c.parents.remove(from);
                    if child != *into {
                        c.parents.insert(into.clone());
                    }
                    self.put(&child, Some(c));
                }
                // `into` may have been one of the children just rewritten: re-read it.
                if let Some(t) = self.get(into).await? {
                    target.parents = t.parents.clone();
                }
                let mut alts = target.content.alt_labels.clone();
                for a in std::iter::once(&source.content.label).chain(&source.content.alt_labels) {
                    if a != &target.content.label && !alts.contains(a) {
                        alts.push(a.clone());
                    }
                }
                target.content.alt_labels = alts;
                self.put(into, Some(target));
                self.put(from, None);
            }
        }
        Ok(())
    }

    async fn delete(&mut self, key: &str, cascade: bool) -> Result<()> {
        let mut pending = vec![key.to_string()];
        let mut first = true;
        while let Some(k) = pending.pop() {
            let children = self.children(&k).await?;
            if !children.is_empty() && !cascade && first {
                return Err(Error::Invalid(format!(
                    "cannot delete {k:?}: it has children ({}); re-parent them first or delete with cascade",
                    children.join(", ")
                )));
            }
            first = false;
            for c in children {
                let mut n = self.existing(&c).await?;
                n.parents.remove(&k);
                let orphan = n.parents.is_empty();
                self.put(&c, Some(n));
                if orphan {
                    pending.push(c);
                }
            }
            self.put(&k, None);
        }
        Ok(())
    }
}

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
    let diff = diff::diff(&mut tx, published.base_head, to).await?;
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
            cycle_check: CycleCheck::InDatabase,
            audit_details: serde_json::json!({ "base": base, "ops": ops }),
        },
    )
    .await
}
