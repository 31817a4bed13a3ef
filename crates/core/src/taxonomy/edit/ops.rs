//! The operations of a change set ([`EditOp`]) and reading them from a JSON Lines file.

use std::io::BufRead;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::limits::MAX_LINE_BYTES;
use crate::lines;

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
    let (mut reader, mut buf, mut lineno) = (reader, Vec::new(), 0);
    loop {
        lineno += 1;
        if !lines::read_bounded(&mut reader, &mut buf, MAX_LINE_BYTES, name, lineno)? {
            break;
        }
        let line = lines::as_text(&buf, name, lineno)?;
        if line.trim().is_empty() {
            continue;
        }
        let op = serde_json::from_str(line)
            .map_err(|e| Error::bad_input(name, lineno, format!("malformed operation: {e}")))?;
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
