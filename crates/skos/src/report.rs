//! What a SKOS import tells the person who ran it, besides the version it published.

use oxrdf::Triple;
use serde::Serialize;

/// At most this many unplaced statements are listed (all are counted).
pub const UNPLACED_LISTED: usize = 1_000;

/// A statement the mapping has no place for, and why.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Unplaced {
    /// The statement in N-Triples syntax.
    pub triple: String,
    pub reason: String,
}

impl Unplaced {
    pub fn new(t: &Triple, reason: &str) -> Self {
        Unplaced {
            triple: format!("{t} ."),
            reason: reason.to_string(),
        }
    }
}

/// A concept marked `owl:deprecated true`: not a node; with its `dct:isReplacedBy` (keys).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Deprecated {
    pub key: String,
    pub replaced_by: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportReport {
    /// The language labels were read in ("" = untagged).
    pub language: String,
    pub triples: usize,
    /// Concepts that became nodes.
    pub concepts: usize,
    pub deprecated: Vec<Deprecated>,
    /// Concepts without any prefLabel: their key is their label.
    pub unlabelled: Vec<String>,
    /// The first [`UNPLACED_LISTED`] statements with no place, and how many there were.
    pub unplaced: Vec<Unplaced>,
    pub unplaced_total: usize,
}
