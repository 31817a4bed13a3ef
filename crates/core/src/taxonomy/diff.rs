//! What changed between two versions, per node. Reads only rows whose validity starts or ends
//! between the two versions, so its cost follows the number of changes, not the taxonomy's size.

use std::collections::HashMap;

use serde::Serialize;
use similar::{ChangeTag, TextDiff};
use sqlx::PgConnection;

use super::deprecated::{self, DeprecatedChange};
use super::model::{Extra, NodeFull};
use super::read::{self, At};
use crate::agents::scope::ScopeChange;
use crate::error::Result;
use crate::review::impact::{self, ClassificationImpact};

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Summary {
    pub added: usize,
    pub removed: usize,
    pub renamed: usize,
    pub moved: usize,
    pub edited: usize,
    /// Deprecated concepts (SKOS) that appeared, changed or went; absent when none.
    #[serde(skip_serializing_if = "is_zero")]
    #[cfg_attr(feature = "ts", ts(optional, as = "Option<usize>"))]
    pub deprecated: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// A node as it was (removed) or is (added).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NodeEntry {
    pub key: String,
    pub label: String,
    pub alt_labels: Vec<String>,
    pub description: String,
    pub parents: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Renamed {
    pub key: String,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Moved {
    pub key: String,
    pub label: String,
    pub before: Vec<String>,
    pub after: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EditedFields {
    pub description: String,
    pub alt_labels: Vec<String>,
    /// The node's other statements (SKOS properties kept by an import); absent when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional, as = "Option<Vec<Extra>>"))]
    pub extras: Vec<Extra>,
}

/// One span of a word diff: `equal`, `delete` (only before) or `insert` (only after).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DiffSpan {
    pub tag: &'static str,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Edited {
    pub key: String,
    pub label: String,
    pub before: EditedFields,
    pub after: EditedFields,
    /// Word diff of the description (empty when only the alternative labels changed).
    pub description_diff: Vec<DiffSpan>,
    /// The other statements (extras) only before and only after, sorted: an edit of only the
    /// kept SKOS properties (a notation, a label in another language, a note) shows here.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional, as = "Option<Vec<Extra>>"))]
    pub extras_removed: Vec<Extra>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional, as = "Option<Vec<Extra>>"))]
    pub extras_added: Vec<Extra>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Diff {
    pub from: i64,
    pub to: i64,
    pub summary: Summary,
    pub added: Vec<NodeEntry>,
    pub removed: Vec<NodeEntry>,
    pub renamed: Vec<Renamed>,
    pub moved: Vec<Moved>,
    pub edited: Vec<Edited>,
    /// The documents the changes touch (classifications sent to review, carried by a merge,
    /// restored by a rollback).
    pub impact: ClassificationImpact,
    /// The agents following the head whose scope differs between the two versions.
    pub agent_scopes: Vec<ScopeChange>,
    /// Deprecated concepts (SKOS, not nodes) that differ between the two versions.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional, as = "Option<Vec<DeprecatedChange>>"))]
    pub deprecated: Vec<DeprecatedChange>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.summary == Summary::default()
    }
}

/// The word diff of two texts, adjacent spans of the same kind joined.
pub fn word_diff(before: &str, after: &str) -> Vec<DiffSpan> {
    let diff = TextDiff::from_words(before, after);
    let mut spans: Vec<DiffSpan> = Vec::new();
    for change in diff.iter_all_changes() {
        let tag = match change.tag() {
            ChangeTag::Equal => "equal",
            ChangeTag::Delete => "delete",
            ChangeTag::Insert => "insert",
        };
        match spans.last_mut() {
            Some(last) if last.tag == tag => last.text.push_str(change.value()),
            _ => spans.push(DiffSpan {
                tag,
                text: change.value().to_string(),
            }),
        }
    }
    spans
}

fn entry(key: &str, n: &NodeFull) -> NodeEntry {
    NodeEntry {
        key: key.to_string(),
        label: n.content.label.clone(),
        alt_labels: n.content.alt_labels.clone(),
        description: n.content.description.clone(),
        parents: n.parents.iter().cloned().collect(),
    }
}

/// Compares two states of the same nodes (`before`/`after` by key; absent = does not exist).
pub fn compare(
    from: i64,
    to: i64,
    before: &HashMap<String, NodeFull>,
    after: &HashMap<String, NodeFull>,
) -> Diff {
    let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut d = Diff {
        from,
        to,
        summary: Summary::default(),
        added: vec![],
        removed: vec![],
        renamed: vec![],
        moved: vec![],
        edited: vec![],
        impact: ClassificationImpact::default(),
        agent_scopes: Vec::new(),
        deprecated: Vec::new(),
    };
    for key in keys {
        match (before.get(key), after.get(key)) {
            (None, None) => {}
            (None, Some(a)) => d.added.push(entry(key, a)),
            (Some(b), None) => d.removed.push(entry(key, b)),
            (Some(b), Some(a)) => {
                if b.content.label != a.content.label {
                    d.renamed.push(Renamed {
                        key: key.clone(),
                        before: b.content.label.clone(),
                        after: a.content.label.clone(),
                    });
                }
                if b.parents != a.parents {
                    d.moved.push(Moved {
                        key: key.clone(),
                        label: a.content.label.clone(),
                        before: b.parents.iter().cloned().collect(),
                        after: a.parents.iter().cloned().collect(),
                    });
                }
                if b.content.description != a.content.description
                    || b.content.alt_labels != a.content.alt_labels
                    || b.content.extras != a.content.extras
                {
                    let description_diff = if b.content.description != a.content.description {
                        word_diff(&b.content.description, &a.content.description)
                    } else {
                        Vec::new()
                    };
                    d.edited.push(Edited {
                        key: key.clone(),
                        label: a.content.label.clone(),
                        before: EditedFields {
                            description: b.content.description.clone(),
                            alt_labels: b.content.alt_labels.clone(),
                            extras: b.content.extras.clone(),
                        },
                        after: EditedFields {
                            description: a.content.description.clone(),
                            alt_labels: a.content.alt_labels.clone(),
                            extras: a.content.extras.clone(),
                        },
                        description_diff,
                        extras_removed: only_in(&b.content.extras, &a.content.extras),
                        extras_added: only_in(&a.content.extras, &b.content.extras),
                    });
                }
            }
        }
    }
    d.summary = Summary {
        added: d.added.len(),
        removed: d.removed.len(),
        renamed: d.renamed.len(),
        moved: d.moved.len(),
        edited: d.edited.len(),
        deprecated: 0,
    };
    d
}

/// The statements of `these` that `those` lacks (both sorted, as extras are kept).
fn only_in(these: &[Extra], those: &[Extra]) -> Vec<Extra> {
    these
        .iter()
        .filter(|e| those.binary_search(e).is_err())
        .cloned()
        .collect()
}

/// Adds the deprecated concepts that differ between the diff's versions (`head`: the head the
/// versions were checked against).
pub async fn add_deprecated(conn: &mut PgConnection, d: &mut Diff, head: i64) -> Result<()> {
    let at = |version| At { version, head };
    d.deprecated = deprecated::changes(conn, at(d.from), at(d.to)).await?;
    d.summary.deprecated = d.deprecated.len();
    Ok(())
}

/// The diff from version `from` to version `to` (either may be the larger).
pub async fn diff(conn: &mut PgConnection, from: i64, to: i64) -> Result<Diff> {
    let head = read::head_version(&mut *conn).await?;
    for v in [from, to] {
        if v < 0 || v > head {
            return Err(crate::error::Error::NoSuchVersion(v));
        }
    }
    let ids = read::changed_node_ids(&mut *conn, from, to).await?;
    let mut d = if ids.is_empty() {
        compare(from, to, &HashMap::new(), &HashMap::new())
    } else {
        let before = states(conn, from, head, &ids).await?;
        let after = states(conn, to, head, &ids).await?;
        compare(from, to, &before, &after)
    };
    add_deprecated(&mut *conn, &mut d, head).await?;
    if ids.is_empty() {
        return Ok(d);
    }
    let removed: Vec<String> = d.removed.iter().map(|n| n.key.clone()).collect();
    let moved: Vec<String> = d.moved.iter().map(|n| n.key.clone()).collect();
    d.impact = impact::totals(impact::of_diff(&mut *conn, from, to, &removed, &moved).await?);
    if !d.is_empty() {
        d.agent_scopes = crate::agents::scope::between(&mut *conn, from, to).await?;
    }
    Ok(d)
}

/// The given nodes' state at `v`, by key.
pub(crate) async fn states(
    conn: &mut PgConnection,
    v: i64,
    head: i64,
    ids: &[i64],
) -> Result<HashMap<String, NodeFull>> {
    Ok(read::snapshot(conn, read::At { version: v, head }, ids)
        .await?
        .into_values()
        .collect())
}
