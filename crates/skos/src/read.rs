//! RDF -> the taxonomy's import model. Each `skos:Concept` with an IRI is a node; `broader` and
//! `narrower` are both read and reconciled into parents; label, alternative labels and
//! description come from `prefLabel`, `altLabel` and `definition` in the taxonomy's language
//! ([`crate::labels`]); every other statement about a concept is kept as an [`Extra`] so an export
//! loses nothing. Statements that have no place (about other resources, structured values) are
//! listed in the report with the reason. `owl:deprecated true` concepts are not nodes; they and
//! their `dct:isReplacedBy` are reported, so the import can merge them into their replacement,
//! and what the file says about them is kept as a [`DeprecatedConcept`] so an export writes it.
//!
//! Nothing here touches the database; everything is checked (keys, cycles) before it returns.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use dtrag_core::taxonomy::import::{find_cycle, ImportFile};
use dtrag_core::taxonomy::model::{
    check_key, normalise_extras, DeprecatedConcept, Extra, ExtraObject,
};
use dtrag_core::taxonomy::{NodeContent, NodeFull};
use dtrag_core::{Error, Result};
use oxrdf::{NamedOrBlankNode, Term, Triple};

use crate::report::{Deprecated, ImportReport, Unplaced, UNPLACED_LISTED};
use crate::{iri, labels, vocab as v, Options};

/// A concept's statements, sorted out while reading.
#[derive(Default)]
struct Draft {
    /// (language, value) of every prefLabel, altLabel and definition.
    pref: Vec<(String, String)>,
    alt: Vec<(String, String)>,
    definitions: Vec<(String, String)>,
    parents: BTreeSet<String>,
    extras: Vec<Extra>,
    /// A scheme that names it a top concept (`topConceptOf` / `hasTopConcept`).
    top_of: BTreeSet<String>,
}

/// What a file means: its nodes, its deprecated concepts (sorted by key), the report.
pub struct Read {
    pub file: ImportFile,
    pub deprecated: Vec<DeprecatedConcept>,
    pub report: ImportReport,
}

/// Maps `triples` to nodes under `opts`.
pub fn read(triples: &[Triple], opts: &Options) -> Result<Read> {
    let base = opts.base.as_deref().unwrap_or(v::DEFAULT_BASE);
    let mut report = ImportReport {
        triples: triples.len(),
        ..ImportReport::default()
    };

    // Concepts, schemes and deprecated concepts first: what a statement means depends on them.
    // Hash sets: every triple asks them (a BTree of 82k long IRIs costs ~17 string compares a
    // lookup); nothing here depends on their order.
    let mut concepts: HashSet<&str> = HashSet::with_capacity(triples.len() / 8);
    let mut schemes: HashSet<&str> = HashSet::new();
    let mut deprecated: HashSet<&str> = HashSet::new();
    for t in triples {
        let NamedOrBlankNode::NamedNode(s) = &t.subject else {
            continue;
        };
        match (t.predicate.as_str(), &t.object) {
            (v::RDF_TYPE, Term::NamedNode(o)) if o.as_str() == v::CONCEPT => {
                concepts.insert(s.as_str());
            }
            (v::RDF_TYPE, Term::NamedNode(o)) if o.as_str() == v::CONCEPT_SCHEME => {
                schemes.insert(s.as_str());
            }
            (v::OWL_DEPRECATED, Term::Literal(l)) if is_true(l.value()) => {
                deprecated.insert(s.as_str());
            }
            _ => {}
        }
    }
    let active = |iri: &str| concepts.contains(iri) && !deprecated.contains(iri);

    // The taxonomy's language.
    let language = match &opts.lang {
        Some(l) => labels::normalise(l),
        None => scheme_language(triples, &schemes).unwrap_or_else(|| {
            // Counted by the tag as written (no string made per label), then normalised.
            let mut raw: HashMap<&str, usize> = HashMap::new();
            for t in triples {
                if let (NamedOrBlankNode::NamedNode(s), Term::Literal(l)) = (&t.subject, &t.object)
                {
                    if t.predicate.as_str() == v::PREF_LABEL && active(s.as_str()) {
                        *raw.entry(l.language().unwrap_or("")).or_default() += 1;
                    }
                }
            }
            let mut counts: BTreeMap<String, usize> = BTreeMap::new();
            for (tag, n) in raw {
                *counts.entry(labels::normalise(tag)).or_default() += n;
            }
            labels::most_common(&counts)
        }),
    };

    let mut drafts: HashMap<&str, Draft> = concepts
        .iter()
        .filter(|c| active(c))
        .map(|c| (*c, Draft::default()))
        .collect();
    let mut replaced: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    // What the file says about each deprecated concept, but its type, owl:deprecated and
    // inScheme (an export writes those itself).
    let mut kept: BTreeMap<&str, Vec<Extra>> = deprecated
        .iter()
        .filter(|c| concepts.contains(*c))
        .map(|c| (*c, Vec::new()))
        .collect();
    let mut unplaced = |t: &Triple, reason: &str| {
        report.unplaced_total += 1;
        if report.unplaced.len() < UNPLACED_LISTED {
            report.unplaced.push(Unplaced::new(t, reason));
        }
    };

    for t in triples {
        let subject = match &t.subject {
            NamedOrBlankNode::NamedNode(s) => s.as_str(),
            NamedOrBlankNode::BlankNode(_) => {
                unplaced(t, "the subject is a blank node, which no node can be");
                continue;
            }
        };
        let p = t.predicate.as_str();
        if let Some(statements) = kept.get_mut(subject) {
            match (p, &t.object) {
                (v::RDF_TYPE, Term::NamedNode(o)) if o.as_str() == v::CONCEPT => {}
                (v::OWL_DEPRECATED, Term::Literal(l)) if is_true(l.value()) => {}
                (v::IN_SCHEME, Term::NamedNode(o)) if schemes.contains(o.as_str()) => {}
                (_, Term::NamedNode(o)) => {
                    if p == v::DCT_IS_REPLACED_BY {
                        replaced
                            .entry(subject)
                            .or_default()
                            .insert(iri::key_of(o.as_str(), base));
                    }
                    statements.push(Extra {
                        property: p.to_string(),
                        object: ExtraObject::Iri(o.as_str().to_string()),
                    });
                }
                (_, Term::Literal(l)) => statements.push(literal_extra(p, l)),
                _ => unplaced(
                    t,
                    "the value is a blank node or a quoted triple: structured values are not kept",
                ),
            }
            continue;
        }
        if schemes.contains(subject) {
            match (p, &t.object) {
                (v::RDF_TYPE, _) => {}
                (v::HAS_TOP_CONCEPT, Term::NamedNode(o)) if active(o.as_str()) => {
                    if let Some(d) = drafts.get_mut(o.as_str()) {
                        d.top_of.insert(subject.to_string());
                    }
                }
                _ => unplaced(
                    t,
                    "about the concept scheme, which is not stored (an export writes its own)",
                ),
            }
            continue;
        }
        let Some(draft) = drafts.get_mut(subject) else {
            unplaced(t, "the subject is not a skos:Concept of the file");
            continue;
        };
        match (p, &t.object) {
            (v::RDF_TYPE, Term::NamedNode(o)) if o.as_str() == v::CONCEPT => {}
            (v::PREF_LABEL, Term::Literal(l)) => draft.pref.push(lang_value(l)),
            (v::ALT_LABEL, Term::Literal(l)) => draft.alt.push(lang_value(l)),
            (v::DEFINITION, Term::Literal(l)) => draft.definitions.push(lang_value(l)),
            (v::BROADER | v::NARROWER, Term::NamedNode(o)) => {
                let other = o.as_str();
                if other == subject {
                    let key = iri::key_of(subject, base);
                    return Err(Error::Cycle {
                        path: vec![key.clone(), key],
                    });
                }
                if !active(other) {
                    let why = if deprecated.contains(other) {
                        "names a deprecated concept, which is not a node"
                    } else {
                        "names a resource that is not a skos:Concept of the file"
                    };
                    unplaced(t, why);
                    continue;
                }
                if p == v::BROADER {
                    draft.parents.insert(iri::key_of(other, base));
                } else if let Some(child) = drafts.get_mut(other) {
                    child.parents.insert(iri::key_of(subject, base));
                }
            }
            (v::IN_SCHEME, Term::NamedNode(o)) if schemes.contains(o.as_str()) => {}
            (v::TOP_CONCEPT_OF, Term::NamedNode(o)) if schemes.contains(o.as_str()) => {
                draft.top_of.insert(o.as_str().to_string());
            }
            (_, Term::NamedNode(o)) => draft.extras.push(Extra {
                property: p.to_string(),
                object: ExtraObject::Iri(o.as_str().to_string()),
            }),
            (_, Term::Literal(l)) => draft.extras.push(literal_extra(p, l)),
            (_, Term::BlankNode(_)) => {
                unplaced(
                    t,
                    "the value is a blank node: structured values are not kept",
                );
            }
            #[allow(unreachable_patterns)]
            _ => unplaced(t, "the value is a quoted triple, which is not kept"),
        }
    }

    let mut finished = Vec::with_capacity(drafts.len());
    for (subject, draft) in drafts {
        let key = iri::key_of(subject, base);
        check_key(&key).map_err(|m| Error::Invalid(format!("concept <{subject}>: {m}")))?;
        let (node, unlabelled) = finish(draft, &language, &key);
        if unlabelled {
            report.unlabelled.push(key.clone());
        }
        finished.push((key, node));
    }
    // Sorted once and built in bulk, rather than 82k inserts that each walk the tree.
    finished.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let nodes: BTreeMap<String, NodeFull> = finished.into_iter().collect();
    report.unlabelled.sort();
    if let Some(path) = find_cycle(&nodes) {
        return Err(Error::Cycle { path });
    }
    // Only concepts: an `owl:deprecated` property or class is no concept of the taxonomy.
    let mut kept_concepts = Vec::with_capacity(kept.len());
    for (c, mut statements) in kept {
        let key = iri::key_of(c, base);
        check_key(&key).map_err(|m| Error::Invalid(format!("concept <{c}>: {m}")))?;
        report.deprecated.push(Deprecated {
            key: key.clone(),
            replaced_by: replaced.remove(c).unwrap_or_default().into_iter().collect(),
        });
        normalise_extras(&mut statements);
        kept_concepts.push(DeprecatedConcept { key, statements });
    }
    // Keys under a base need not sort as their IRIs do.
    report.deprecated.sort_by(|a, b| a.key.cmp(&b.key));
    kept_concepts.sort_by(|a, b| a.key.cmp(&b.key));
    report.concepts = nodes.len();
    report.language = language;
    Ok(Read {
        file: ImportFile { nodes },
        deprecated: kept_concepts,
        report,
    })
}

/// Label, alternative labels and description in the concept's language; everything else, and
/// the literals read in a stand-in language (so their own tag survives an export), as extras.
fn finish(mut d: Draft, language: &str, key: &str) -> (NodeFull, bool) {
    let non_blank = d.pref.iter().filter(|(_, v)| !v.trim().is_empty());
    let lang = labels::pick(language, non_blank.map(|(l, _)| l.as_str()));
    let stand_in = lang.as_deref() != Some(language);
    let mut take = |values: Vec<(String, String)>, property: &str, skip_blank: bool| {
        let mut mine = Vec::new();
        for (l, value) in values {
            let wanted =
                lang.as_deref() == Some(l.as_str()) && !(skip_blank && value.trim().is_empty());
            if !wanted || stand_in {
                d.extras.push(Extra {
                    property: property.to_string(),
                    object: literal_object(value.clone(), &l),
                });
            }
            if wanted {
                mine.push(value);
            }
        }
        mine.sort();
        mine.dedup();
        mine
    };
    let mut pref = take(std::mem::take(&mut d.pref), v::PREF_LABEL, true);
    let alt = take(std::mem::take(&mut d.alt), v::ALT_LABEL, false);
    let mut definitions = take(std::mem::take(&mut d.definitions), v::DEFINITION, false);
    // One label and one description; the others of that language stay as extras.
    let label = if pref.is_empty() {
        None
    } else {
        Some(pref.remove(0))
    };
    let description = if definitions.is_empty() {
        String::new()
    } else {
        definitions.remove(0)
    };
    for value in pref {
        d.extras.push(Extra {
            property: v::PREF_LABEL.into(),
            object: literal_object(value, lang.as_deref().unwrap_or("")),
        });
    }
    for value in definitions {
        d.extras.push(Extra {
            property: v::DEFINITION.into(),
            object: literal_object(value, lang.as_deref().unwrap_or("")),
        });
    }
    // A top concept with parents says something a root cannot: keep it (the quality check
    // reports it). On a root it is what the export writes anyway.
    if !d.parents.is_empty() {
        for scheme in std::mem::take(&mut d.top_of) {
            d.extras.push(Extra {
                property: v::TOP_CONCEPT_OF.into(),
                object: ExtraObject::Iri(scheme),
            });
        }
    }
    normalise_extras(&mut d.extras);
    let unlabelled = label.is_none();
    let node = NodeFull {
        content: NodeContent {
            // No label at all: the key stands in (reported; the quality check names it).
            label: label.unwrap_or_else(|| key.to_string()),
            alt_labels: alt,
            description,
            extras: d.extras,
        },
        parents: d.parents,
    };
    (node, unlabelled)
}

fn lang_value(l: &oxrdf::Literal) -> (String, String) {
    (
        labels::normalise(l.language().unwrap_or("")),
        l.value().to_string(),
    )
}

fn literal_object(value: String, lang: &str) -> ExtraObject {
    ExtraObject::Literal {
        value,
        lang: (!lang.is_empty()).then(|| lang.to_string()),
        datatype: None,
    }
}

fn literal_extra(property: &str, l: &oxrdf::Literal) -> Extra {
    let datatype = l.datatype().as_str();
    let object = match l.language() {
        Some(lang) => literal_object(l.value().to_string(), &labels::normalise(lang)),
        None => ExtraObject::Literal {
            value: l.value().to_string(),
            lang: None,
            datatype: (datatype != v::XSD_STRING).then(|| datatype.to_string()),
        },
    };
    Extra {
        property: property.to_string(),
        object,
    }
}

fn is_true(value: &str) -> bool {
    matches!(value.trim(), "true" | "1")
}

/// The `dct:language` of a concept scheme of the file, if one says.
fn scheme_language(triples: &[Triple], schemes: &HashSet<&str>) -> Option<String> {
    triples.iter().find_map(|t| match (&t.subject, &t.object) {
        (NamedOrBlankNode::NamedNode(s), Term::Literal(l))
            if t.predicate.as_str() == v::DCT_LANGUAGE && schemes.contains(s.as_str()) =>
        {
            Some(labels::normalise(l.value()))
        }
        _ => None,
    })
}
