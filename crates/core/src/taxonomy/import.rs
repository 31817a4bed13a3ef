//! Import of a whole taxonomy from JSON Lines: the published version equals the file exactly.
//!
//! The file is parsed and checked completely before the database is touched (syntax, keys, labels,
//! parents, cycles), so a bad file is refused with the line that is wrong and nothing is written.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader};
use std::path::Path;

use sqlx::{PgPool, Postgres, Transaction};

use super::deprecated::Deprecations;
use super::diff::{self, Diff};
use super::model::{
    check_key, check_label, DeprecatedConcept, NodeFull, NodeRecord, PublishMeta, VersionKind,
};
use super::publish::{self, CycleCheck, Published, Target};
use super::read;
use crate::error::{Error, Result};

use crate::limits::MAX_LINE_BYTES;
use crate::lines;

/// A parsed and checked import file.
#[derive(Debug, Clone)]
pub struct ImportFile {
    pub nodes: BTreeMap<String, NodeFull>,
}

impl ImportFile {
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    pub fn into_records(self) -> Vec<NodeRecord> {
        self.nodes
            .into_iter()
            .map(|(k, n)| n.into_record(k))
            .collect()
    }
}

pub fn read_file(path: &Path) -> Result<ImportFile> {
    let f = std::fs::File::open(path).map_err(|e| Error::io_path(path, e))?;
    parse(BufReader::new(f), path)
}

/// Parses JSON Lines from `reader` (`name` is used in error messages) and checks every rule that
/// can be checked without the database.
pub fn parse(reader: impl BufRead, name: &Path) -> Result<ImportFile> {
    let mut nodes: BTreeMap<String, NodeFull> = BTreeMap::new();
    let mut line_of: HashMap<String, usize> = HashMap::new();
    let mut reader = reader;
    let mut buf = Vec::new();
    let mut lineno = 0;
    loop {
        lineno += 1;
        // At most MAX_LINE_BYTES + 1 bytes a line, so a huge line cannot exhaust memory.
        if !lines::read_bounded(&mut reader, &mut buf, MAX_LINE_BYTES, name, lineno)? {
            break;
        }
        let text = lines::as_text(&buf, name, lineno)?.trim();
        if text.is_empty() {
            continue;
        }
        let rec: NodeRecord = serde_json::from_str(text)
            .map_err(|e| Error::bad_input(name, lineno, format!("malformed node: {e}")))?;
        check_key(&rec.key).map_err(|m| Error::bad_input(name, lineno, m))?;
        check_label(&rec.label)
            .map_err(|m| Error::bad_input(name, lineno, format!("node {:?}: {m}", rec.key)))?;
        if rec.parents.iter().any(|p| p == &rec.key) {
            return Err(Error::bad_input(
                name,
                lineno,
                format!("node {:?} names itself as a parent", rec.key),
            ));
        }
        if let Some(first) = line_of.get(&rec.key) {
            return Err(Error::bad_input(
                name,
                lineno,
                format!("duplicate key {:?} (first on line {first})", rec.key),
            ));
        }
        line_of.insert(rec.key.clone(), lineno);
        let (key, full) = rec.into();
        nodes.insert(key, full);
    }
    for (key, node) in &nodes {
        if let Some(p) = node.parents.iter().find(|p| !nodes.contains_key(*p)) {
            return Err(Error::bad_input(
                name,
                line_of.get(key).copied().unwrap_or(0),
                format!("node {key:?} names parent {p:?}, which is not in the file"),
            ));
        }
    }
    if let Some(path) = find_cycle(&nodes) {
        return Err(Error::Cycle { path });
    }
    Ok(ImportFile { nodes })
}

/// Finds one cycle in the parent graph, if any, as a child -> parent -> ... -> child key path.
/// Iterative depth-first search with three colours (no recursion: 100k-deep chains are fine).
pub fn find_cycle(nodes: &BTreeMap<String, NodeFull>) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Colour {
        White,
        Grey,
        Black,
    }
    let index: HashMap<&str, usize> = nodes
        .keys()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect();
    let keys: Vec<&str> = nodes.keys().map(String::as_str).collect();
    let parents: Vec<Vec<usize>> = nodes
        .values()
        .map(|n| {
            n.parents
                .iter()
                .filter_map(|p| index.get(p.as_str()).copied())
                .collect()
        })
        .collect();
    let mut colour = vec![Colour::White; keys.len()];
    for start in 0..keys.len() {
        if colour[start] != Colour::White {
            continue;
        }
        // Stack of (node, next parent index to visit).
        let mut stack = vec![(start, 0usize)];
        colour[start] = Colour::Grey;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&p) = parents[node].get(*next) {
                *next += 1;
                match colour[p] {
                    Colour::White => {
                        colour[p] = Colour::Grey;
                        stack.push((p, 0));
                    }
                    Colour::Grey => {
                        // The stack from p to node, then back to p, is the cycle.
                        let from = stack.iter().position(|&(n, _)| n == p).unwrap_or(0);
                        let mut path: Vec<String> = stack[from..]
                            .iter()
                            .map(|&(n, _)| keys[n].to_string())
                            .collect();
                        path.push(keys[p].to_string());
                        return Some(path);
                    }
                    Colour::Black => {}
                }
            } else {
                colour[node] = Colour::Black;
                stack.pop();
            }
        }
    }
    None
}

/// Publishes `file` as the next version: nodes in the file get exactly the file's content, nodes
/// not in it are removed. Nothing is written when the file equals the head.
pub async fn import(
    pool: &PgPool,
    file: ImportFile,
    meta: &PublishMeta,
    source: &str,
) -> Result<Published> {
    import_with(pool, file, ImportOptions::default(), meta, source).await
}

/// What a SKOS import adds to an import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions<'a> {
    /// (deprecated key, replacement key) pairs (`dct:isReplacedBy`): a node at the head that
    /// the file deprecates in favour of a node of the file is merged into it — its
    /// classifications follow — instead of being removed.
    pub replaced: &'a [(String, String)],
    /// The language of the file's labels, recorded on the version.
    pub language: Option<&'a str>,
    /// The file's deprecated concepts (a SKOS file), which replace the head's; `None` (JSON
    /// Lines, which has none) keeps the head's.
    pub deprecated: Option<&'a [DeprecatedConcept]>,
    /// Added to the audit entry.
    pub audit: serde_json::Value,
}

/// [`import`] with the options of a SKOS file.
pub async fn import_with(
    pool: &PgPool,
    file: ImportFile,
    opts: ImportOptions<'_>,
    meta: &PublishMeta,
    source: &str,
) -> Result<Published> {
    let mut tx = pool.begin().await?;
    let published = import_in(&mut tx, file, opts, meta, source).await?;
    tx.commit().await?;
    Ok(published)
}

/// What importing `file` would change (the real publish, rolled back): the desktop app shows it
/// before publishing.
pub async fn preview(
    pool: &PgPool,
    file: ImportFile,
    opts: ImportOptions<'_>,
    meta: &PublishMeta,
    source: &str,
) -> Result<Diff> {
    let mut tx = pool.begin().await?;
    let published = import_in(&mut tx, file, opts, meta, source).await?;
    let to = published.version.unwrap_or(published.base_head);
    let mut d = diff::diff(&mut tx, published.base_head, to).await?;
    // Exactly what the publish did to classifications and agents' scopes (as the edit preview).
    let moved: Vec<_> = d
        .impact
        .entries
        .drain(..)
        .filter(|e| e.change == "moved")
        .collect();
    d.impact = published.impact;
    d.impact.entries.extend(moved);
    d.agent_scopes = published.agent_scopes;
    tx.rollback().await?;
    Ok(d)
}

async fn import_in(
    tx: &mut Transaction<'_, Postgres>,
    file: ImportFile,
    opts: ImportOptions<'_>,
    meta: &PublishMeta,
    source: &str,
) -> Result<Published> {
    let head = publish::begin(tx).await?;
    let mut target: Target = BTreeMap::new();
    for key in read::all_keys(tx, read::At::head(head)).await? {
        target.insert(key, None);
    }
    let merges: Vec<(String, String)> = opts
        .replaced
        .iter()
        .filter(|(from, into)| {
            target.contains_key(from)
                && !file.nodes.contains_key(from)
                && file.nodes.contains_key(into)
        })
        .cloned()
        .collect();
    let count = file.nodes.len();
    for (key, node) in file.nodes {
        target.insert(key, Some(node));
    }
    let mut details = serde_json::json!({ "source": source, "nodes_in_file": count });
    if let (Some(obj), serde_json::Value::Object(extra)) = (details.as_object_mut(), opts.audit) {
        obj.extend(extra);
    }
    if !merges.is_empty() {
        details["merged_replaced"] = serde_json::json!(merges);
    }
    publish::publish(
        tx,
        head,
        target,
        publish::Request {
            merges,
            language: opts.language,
            deprecated: match opts.deprecated {
                Some(d) => Deprecations::Set(d),
                None => Deprecations::Keep,
            },
            kind: VersionKind::Import,
            meta,
            restored_from: None,
            cycle_check: CycleCheck::Done,
            audit_details: details,
        },
    )
    .await
}
