//! The working copy of an edit: the nodes a change set touches, loaded lazily from the head, and
//! each operation applied to them in memory.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::PgConnection;

use super::EditOp;
use crate::error::{Error, Result};
use crate::taxonomy::model::{NodeContent, NodeFull};
use crate::taxonomy::read;

/// The nodes a change set reads and writes, loaded from the head on first use.
pub(super) struct Workspace<'c> {
    pub(super) conn: &'c mut PgConnection,
    pub(super) head: i64,
    pub(super) nodes: BTreeMap<String, Option<NodeFull>>,
    pub(super) written: BTreeSet<String>,
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

    pub(super) async fn apply(&mut self, op: &EditOp) -> Result<()> {
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
                            extras: Vec::new(),
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
