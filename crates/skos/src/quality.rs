//! Quality checks of one version, after qSKOS (Mader & Haslhofer's catalogue of SKOS quality
//! issues): the ones that make sense for a DAG taxonomy with labels in one main language. Each
//! finding names its nodes (sorted), so the app can highlight them in the tree.
//!
//! Pure functions over the export's records (extras included): the API reads the version and
//! calls [`check`].

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use dtrag_core::taxonomy::model::{ExtraObject, NodeRecord};
use serde::Serialize;

use crate::vocab as v;

/// The kinds of finding, in the order they are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Check {
    /// No parent and no child (qSKOS "orphan concepts"), in a taxonomy of more than one node.
    OrphanConcept,
    /// No label of its own: the key stands in (a concept imported without a prefLabel).
    MissingLabel,
    /// A blank alternative label, or a blank label kept in another language or as hidden label.
    EmptyLabel,
    /// The same label (case and surrounding space aside) on several nodes ("overlapping labels").
    DuplicateLabel,
    /// More than one prefLabel in one language ("inconsistent preferred labels").
    TwoPrefLabels,
    /// A parent that is also an ancestor through another parent ("hierarchical redundancy").
    HierarchicalRedundancy,
    /// A node declared a top concept of the scheme although it has a parent.
    TopConceptWithParent,
    /// A group of connected nodes not connected to the largest group ("disconnected clusters").
    DisconnectedCluster,
    /// No description and no note of any kind ("undocumented concepts").
    Undocumented,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Finding {
    pub check: Check,
    /// The nodes concerned, sorted.
    pub nodes: Vec<String>,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct QualityReport {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub version: i64,
    pub nodes: usize,
    /// How many findings of each kind (kinds without findings are absent).
    pub counts: BTreeMap<Check, usize>,
    pub findings: Vec<Finding>,
}

/// Properties that document a concept besides its description.
const NOTES: [&str; 7] = [
    "http://www.w3.org/2004/02/skos/core#note",
    "http://www.w3.org/2004/02/skos/core#scopeNote",
    "http://www.w3.org/2004/02/skos/core#definition",
    "http://www.w3.org/2004/02/skos/core#example",
    "http://www.w3.org/2004/02/skos/core#historyNote",
    "http://www.w3.org/2004/02/skos/core#editorialNote",
    "http://www.w3.org/2004/02/skos/core#changeNote",
];
const HIDDEN_LABEL: &str = "http://www.w3.org/2004/02/skos/core#hiddenLabel";

/// Every finding of `records` (one version); `lang` is the language the labels are in.
pub fn check(version: i64, records: &[NodeRecord], lang: &str) -> QualityReport {
    let mut findings = Vec::new();
    let one = |check, key: &str, message: String| Finding {
        check,
        nodes: vec![key.to_string()],
        message,
    };
    let mut children: HashMap<&str, Vec<&str>> = HashMap::new();
    for r in records {
        for p in &r.parents {
            children.entry(p.as_str()).or_default().push(r.key.as_str());
        }
    }
    for r in records {
        let key = r.key.as_str();
        if records.len() > 1 && r.parents.is_empty() && !children.contains_key(key) {
            findings.push(one(
                Check::OrphanConcept,
                key,
                format!("{key:?} has no parent and no child"),
            ));
        }
        if r.label == r.key {
            findings.push(one(
                Check::MissingLabel,
                key,
                format!("{key:?} has no label: its key stands in"),
            ));
        }
        let blank_extra = r.extras.iter().any(|e| {
            matches!(
                e.property.as_str(),
                v::PREF_LABEL | v::ALT_LABEL | HIDDEN_LABEL
            ) && matches!(&e.object, ExtraObject::Literal { value, .. } if value.trim().is_empty())
        });
        if blank_extra || r.alt_labels.iter().any(|a| a.trim().is_empty()) {
            findings.push(one(
                Check::EmptyLabel,
                key,
                format!("{key:?} has a blank label"),
            ));
        }
        let mut per_lang: BTreeMap<&str, usize> = BTreeMap::new();
        *per_lang.entry(lang).or_default() += 1;
        for e in &r.extras {
            if let (v::PREF_LABEL, ExtraObject::Literal { lang: l, value, .. }) =
                (e.property.as_str(), &e.object)
            {
                if !value.trim().is_empty() {
                    *per_lang.entry(l.as_deref().unwrap_or("")).or_default() += 1;
                }
            }
        }
        for (l, n) in per_lang.into_iter().filter(|(_, n)| *n > 1) {
            let l = if l.is_empty() { "no language" } else { l };
            findings.push(one(
                Check::TwoPrefLabels,
                key,
                format!("{key:?} has {n} prefLabels in {l}"),
            ));
        }
        let top = r.extras.iter().any(|e| e.property == v::TOP_CONCEPT_OF);
        if top && !r.parents.is_empty() {
            findings.push(one(
                Check::TopConceptWithParent,
                key,
                format!(
                    "{key:?} is a top concept of the scheme but has the parent(s) {}",
                    r.parents.join(", ")
                ),
            ));
        }
        let documented = !r.description.trim().is_empty()
            || r.extras
                .iter()
                .any(|e| NOTES.contains(&e.property.as_str()));
        if !documented {
            findings.push(one(
                Check::Undocumented,
                key,
                format!("{key:?} has no description or note"),
            ));
        }
    }
    findings.extend(duplicate_labels(records));
    findings.extend(redundant_parents(records));
    findings.extend(clusters(records, &children));
    findings.sort_by(|a, b| (a.check, &a.nodes).cmp(&(b.check, &b.nodes)));
    let mut counts = BTreeMap::new();
    for f in &findings {
        *counts.entry(f.check).or_default() += 1;
    }
    QualityReport {
        version,
        nodes: records.len(),
        counts,
        findings,
    }
}

fn duplicate_labels(records: &[NodeRecord]) -> Vec<Finding> {
    let mut by_label: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for r in records {
        by_label
            .entry(r.label.trim().to_lowercase())
            .or_default()
            .push(&r.key);
    }
    by_label
        .into_iter()
        .filter(|(_, keys)| keys.len() > 1)
        .map(|(label, mut keys)| {
            keys.sort_unstable();
            Finding {
                check: Check::DuplicateLabel,
                message: format!("{} nodes are labelled {label:?}", keys.len()),
                nodes: keys.into_iter().map(String::from).collect(),
            }
        })
        .collect()
}

/// For a node with several parents: a parent that is an ancestor of another of its parents.
fn redundant_parents(records: &[NodeRecord]) -> Vec<Finding> {
    let parents: HashMap<&str, &[String]> = records
        .iter()
        .map(|r| (r.key.as_str(), r.parents.as_slice()))
        .collect();
    let mut out = Vec::new();
    for r in records.iter().filter(|r| r.parents.len() > 1) {
        for q in &r.parents {
            // Everything above q (not q itself).
            let mut seen: BTreeSet<&str> = BTreeSet::new();
            let mut queue: VecDeque<&str> = parents
                .get(q.as_str())
                .into_iter()
                .flat_map(|ps| ps.iter().map(String::as_str))
                .collect();
            while let Some(a) = queue.pop_front() {
                if seen.insert(a) {
                    queue.extend(
                        parents
                            .get(a)
                            .into_iter()
                            .flat_map(|ps| ps.iter().map(String::as_str)),
                    );
                }
            }
            for p in r
                .parents
                .iter()
                .filter(|p| *p != q && seen.contains(p.as_str()))
            {
                out.push(Finding {
                    check: Check::HierarchicalRedundancy,
                    nodes: vec![r.key.clone(), p.clone()],
                    message: format!(
                        "{:?} has the parent {p:?}, which is also an ancestor through {q:?}",
                        r.key
                    ),
                });
            }
        }
    }
    out
}

/// Weakly connected groups of two or more nodes other than the largest (single nodes are
/// orphans, reported as such).
fn clusters(records: &[NodeRecord], children: &HashMap<&str, Vec<&str>>) -> Vec<Finding> {
    let parents: HashMap<&str, &[String]> = records
        .iter()
        .map(|r| (r.key.as_str(), r.parents.as_slice()))
        .collect();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut groups: Vec<Vec<&str>> = Vec::new();
    for r in records {
        if seen.contains(r.key.as_str()) {
            continue;
        }
        let mut group = Vec::new();
        let mut queue = VecDeque::from([r.key.as_str()]);
        seen.insert(r.key.as_str());
        while let Some(n) = queue.pop_front() {
            group.push(n);
            let up = parents
                .get(n)
                .into_iter()
                .flat_map(|ps| ps.iter().map(String::as_str));
            let down = children
                .get(n)
                .into_iter()
                .flat_map(|cs| cs.iter().copied());
            for m in up.chain(down) {
                if seen.insert(m) {
                    queue.push_back(m);
                }
            }
        }
        group.sort_unstable();
        groups.push(group);
    }
    // The largest group (the first in key order on a tie) is the taxonomy; the rest are apart.
    let Some(main) = groups
        .iter()
        .enumerate()
        .max_by(|(i, a), (j, b)| a.len().cmp(&b.len()).then(j.cmp(i)))
        .map(|(i, _)| i)
    else {
        return Vec::new();
    };
    groups
        .into_iter()
        .enumerate()
        .filter(|(i, g)| *i != main && g.len() > 1)
        .map(|(_, g)| Finding {
            check: Check::DisconnectedCluster,
            message: format!(
                "{} nodes under {:?} are not connected to the rest",
                g.len(),
                g[0]
            ),
            nodes: g.into_iter().map(String::from).collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests;
