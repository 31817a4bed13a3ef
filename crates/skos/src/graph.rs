//! The taxonomy at one version -> SKOS triples: one `skos:ConceptScheme` (its IRI is the base
//! namespace itself, which no key can take) with `hasTopConcept`, `owl:versionInfo`,
//! `dct:modified` and `dct:language`; per node `inScheme`, `topConceptOf` for roots, `broader`
//! and `narrower`, labels and definition in the taxonomy's language, and its kept extras; per
//! deprecated concept `inScheme`, `owl:deprecated true` and its kept statements.
//!
//! The triples come back sorted by subject, then predicate, then object, without duplicates:
//! the serialisers group only consecutive statements about a subject, and the same version must
//! give byte-identical files.

use std::collections::BTreeMap;

use dtrag_core::taxonomy::model::{DeprecatedConcept, Extra, ExtraObject, NodeRecord};
use dtrag_core::{Error, Result};
use oxrdf::{Literal, NamedNode, Term, Triple};

use crate::{iri, vocab as v};

/// What an export says about the version besides its nodes.
#[derive(Debug, Clone)]
pub struct ExportMeta {
    pub version: i64,
    /// When the version was published, RFC 3339 in UTC.
    pub modified: String,
    /// The namespace of keys (default [`v::DEFAULT_BASE`]).
    pub base: Option<String>,
    /// The language of labels and definitions ("" = untagged).
    pub lang: String,
    /// The version's deprecated concepts (not nodes; written with `owl:deprecated true`).
    pub deprecated: Vec<DeprecatedConcept>,
}

pub fn triples(records: &[NodeRecord], meta: &ExportMeta) -> Result<Vec<Triple>> {
    let base = meta.base.as_deref().unwrap_or(v::DEFAULT_BASE);
    iri::check_base(base)?;
    let scheme = NamedNode::new_unchecked(base);
    let text = |value: &str| -> Term {
        if meta.lang.is_empty() {
            Literal::new_simple_literal(value).into()
        } else {
            Literal::new_language_tagged_literal_unchecked(value, meta.lang.as_str()).into()
        }
    };
    let iris: BTreeMap<&str, NamedNode> = records
        .iter()
        .map(|r| Ok((r.key.as_str(), iri::iri_of(&r.key, base)?)))
        .collect::<Result<_>>()?;
    let iri_of = |key: &str| -> Result<NamedNode> {
        iris.get(key)
            .cloned()
            .ok_or_else(|| Error::Internal(format!("the parent {key:?} is not in the export")))
    };

    let mut out = Vec::with_capacity(records.len() * 8 + 8);
    let scheme_says = |out: &mut Vec<Triple>, predicate: &str, object: Term| {
        out.push(Triple::new(scheme.clone(), p(predicate), object));
    };
    scheme_says(&mut out, v::RDF_TYPE, p(v::CONCEPT_SCHEME).into());
    scheme_says(
        &mut out,
        v::OWL_VERSION_INFO,
        Literal::new_simple_literal(meta.version.to_string()).into(),
    );
    scheme_says(
        &mut out,
        v::DCT_MODIFIED,
        Literal::new_typed_literal(meta.modified.as_str(), p(v::XSD_DATE_TIME)).into(),
    );
    if !meta.lang.is_empty() {
        scheme_says(
            &mut out,
            v::DCT_LANGUAGE,
            Literal::new_simple_literal(meta.lang.as_str()).into(),
        );
    }
    for r in records {
        let s = iri_of(&r.key)?;
        let says = |out: &mut Vec<Triple>, predicate: &str, object: Term| {
            out.push(Triple::new(s.clone(), p(predicate), object));
        };
        says(&mut out, v::RDF_TYPE, p(v::CONCEPT).into());
        says(&mut out, v::IN_SCHEME, scheme.clone().into());
        says(&mut out, v::PREF_LABEL, text(&r.label));
        for a in &r.alt_labels {
            says(&mut out, v::ALT_LABEL, text(a));
        }
        if !r.description.is_empty() {
            says(&mut out, v::DEFINITION, text(&r.description));
        }
        if r.parents.is_empty() {
            says(&mut out, v::TOP_CONCEPT_OF, scheme.clone().into());
            scheme_says(&mut out, v::HAS_TOP_CONCEPT, s.clone().into());
        }
        for parent in &r.parents {
            let parent = iri_of(parent)?;
            says(&mut out, v::BROADER, parent.clone().into());
            out.push(Triple::new(parent, p(v::NARROWER), s.clone()));
        }
        for e in &r.extras {
            let (predicate, object) = extra_term(e).map_err(|m| {
                Error::Invalid(format!("node {:?}: extra {}: {m}", r.key, e.property))
            })?;
            out.push(Triple::new(s.clone(), predicate, object));
        }
    }
    for d in &meta.deprecated {
        let s = iri::iri_of(&d.key, base)?;
        let says = |out: &mut Vec<Triple>, predicate: &str, object: Term| {
            out.push(Triple::new(s.clone(), p(predicate), object));
        };
        says(&mut out, v::RDF_TYPE, p(v::CONCEPT).into());
        says(&mut out, v::IN_SCHEME, scheme.clone().into());
        says(
            &mut out,
            v::OWL_DEPRECATED,
            Literal::new_typed_literal("true", p(v::XSD_BOOLEAN)).into(),
        );
        for e in &d.statements {
            let (predicate, object) = extra_term(e).map_err(|m| {
                Error::Invalid(format!(
                    "deprecated concept {:?}: {}: {m}",
                    d.key, e.property
                ))
            })?;
            out.push(Triple::new(s.clone(), predicate, object));
        }
    }
    // Sorted by the N-Triples text of subject, predicate, object: a total, stable order.
    out.sort_by_cached_key(|t| {
        (
            t.subject.to_string(),
            t.predicate.to_string(),
            t.object.to_string(),
        )
    });
    out.dedup();
    Ok(out)
}

/// An extra as a predicate and an object, its IRIs and language tag checked (an extra from a
/// hand-written JSON Lines file may hold anything).
fn extra_term(e: &Extra) -> std::result::Result<(NamedNode, Term), String> {
    let predicate = NamedNode::new(e.property.as_str()).map_err(|x| x.to_string())?;
    let object: Term = match &e.object {
        ExtraObject::Iri(i) => NamedNode::new(i.as_str())
            .map_err(|x| x.to_string())?
            .into(),
        ExtraObject::Literal {
            value,
            lang: Some(l),
            ..
        } => Literal::new_language_tagged_literal(value.as_str(), l.as_str())
            .map_err(|x| x.to_string())?
            .into(),
        ExtraObject::Literal {
            value,
            lang: None,
            datatype: Some(d),
        } => {
            let d = NamedNode::new(d.as_str()).map_err(|x| x.to_string())?;
            Literal::new_typed_literal(value.as_str(), d).into()
        }
        ExtraObject::Literal {
            value,
            lang: None,
            datatype: None,
        } => Literal::new_simple_literal(value.as_str()).into(),
    };
    Ok((predicate, object))
}

/// A built-in IRI (the vocabulary's constants are valid).
fn p(iri: &str) -> NamedNode {
    NamedNode::new_unchecked(iri)
}
