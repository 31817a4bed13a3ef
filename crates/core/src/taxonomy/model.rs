//! The taxonomy's value types: what a node is at one version, what a version is.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A node as it appears in an import/export file (one JSON object per line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NodeRecord {
    pub key: String,
    pub label: String,
    #[serde(default)]
    pub alt_labels: Vec<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub parents: Vec<String>,
    /// What the node says beyond the fields above (kept from a SKOS import so an export loses
    /// nothing); absent from a line when there is none, so files without extras are unchanged.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional, as = "Option<Vec<Extra>>"))]
    pub extras: Vec<Extra>,
}

/// One statement about a node that has no field of its own: a property (an IRI, e.g.
/// `skos:notation`, `skos:prefLabel` in another language) and its value. Ordered, so a node's
/// extras are kept sorted and without duplicates and two equal states compare (and store) equal.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Extra {
    pub property: String,
    pub object: ExtraObject,
}

/// The value of an [`Extra`]: another resource, or a literal with a language or a datatype
/// (neither: a plain string).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ExtraObject {
    Iri(String),
    Literal {
        value: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "ts", ts(optional))]
        lang: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "ts", ts(optional))]
        datatype: Option<String>,
    },
}

/// A concept a SKOS file marks `owl:deprecated true`: not a node (not in the tree, nothing is
/// classified under it), but what the file says about it (labels, definition,
/// `dct:isReplacedBy`, notes) is kept, versioned, so an export writes it back. `statements` holds
/// everything but its type, `owl:deprecated` and `skos:inScheme`, which an export writes itself;
/// sorted and without duplicates, as extras are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DeprecatedConcept {
    pub key: String,
    pub statements: Vec<Extra>,
}

/// Sorts and deduplicates extras: the one form in which they are compared and stored.
pub fn normalise_extras(extras: &mut Vec<Extra>) {
    extras.sort();
    extras.dedup();
}

/// The fields of a node at one version, apart from its position in the DAG.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeContent {
    pub label: String,
    pub alt_labels: Vec<String>,
    pub description: String,
    /// Sorted, without duplicates (see [`normalise_extras`]).
    pub extras: Vec<Extra>,
}

/// Everything about a node at one version: its content and its parents (by key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeFull {
    pub content: NodeContent,
    pub parents: BTreeSet<String>,
}

impl NodeFull {
    pub fn into_record(self, key: String) -> NodeRecord {
        NodeRecord {
            key,
            label: self.content.label,
            alt_labels: self.content.alt_labels,
            description: self.content.description,
            parents: self.parents.into_iter().collect(),
            extras: self.content.extras,
        }
    }
}

impl From<NodeRecord> for (String, NodeFull) {
    fn from(r: NodeRecord) -> Self {
        let mut extras = r.extras;
        normalise_extras(&mut extras);
        (
            r.key,
            NodeFull {
                content: NodeContent {
                    label: r.label,
                    alt_labels: r.alt_labels,
                    description: r.description,
                    extras,
                },
                parents: r.parents.into_iter().collect(),
            },
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum VersionKind {
    Init,
    Import,
    Edit,
    Rollback,
}

impl VersionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            VersionKind::Init => "init",
            VersionKind::Import => "import",
            VersionKind::Edit => "edit",
            VersionKind::Rollback => "rollback",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "init" => VersionKind::Init,
            "import" => VersionKind::Import,
            "edit" => VersionKind::Edit,
            "rollback" => VersionKind::Rollback,
            _ => return None,
        })
    }
}

/// One published version of the taxonomy.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Version {
    pub version: i64,
    pub parent_version: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub author: String,
    pub message: String,
    pub kind: VersionKind,
    pub restored_from: Option<i64>,
}

/// Who publishes and why: recorded on the version and in the audit log.
#[derive(Debug, Clone)]
pub struct PublishMeta {
    pub author: String,
    pub message: String,
}

/// Checks a label the way the database does (non-empty after trimming), with a readable reason.
pub fn check_label(label: &str) -> Result<(), String> {
    if label.trim().is_empty() {
        return Err("the label is empty".into());
    }
    Ok(())
}

/// Checks a key: non-empty, at most 512 bytes, no surrounding whitespace, no control characters.
pub fn check_key(key: &str) -> Result<(), String> {
    if key.is_empty() {
        return Err("the key is empty".into());
    }
    if key.len() > 512 {
        return Err(format!("the key is {} bytes long (at most 512)", key.len()));
    }
    if key.trim() != key || key.chars().any(char::is_control) {
        return Err(format!(
            "the key {key:?} has surrounding whitespace or control characters"
        ));
    }
    Ok(())
}
