//! SKOS interchange for DT-RAG Studio: RDF files (Turtle, N-Triples, RDF/XML, JSON-LD) <-> the
//! taxonomy's import model ([`ImportFile`], [`NodeRecord`]). No database here: `dtrag-api`
//! parses with [`read_file`], publishes with `dtrag_core::taxonomy::import`, and exports what
//! `dtrag_core::taxonomy::read::export` returns with [`export`].
//!
//! Modules, one job each: `syntax` (bytes -> triples, errors with line and column), `read`
//! (triples -> nodes and the report), `labels` (which language a concept is read in), `iri`
//! (keys <-> IRIs), `graph` (nodes -> sorted triples), `write` (triples -> bytes), `vocab`.

mod graph;
mod iri;
mod labels;
pub mod quality;
mod read;
mod report;
mod syntax;
pub mod vocab;
mod write;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use dtrag_core::taxonomy::import::ImportFile;
use dtrag_core::taxonomy::model::{DeprecatedConcept, NodeRecord};
use dtrag_core::{Error, Result};
use serde::{Deserialize, Serialize};

pub use graph::ExportMeta;
pub use oxrdf::Triple;
pub use report::{Deprecated, ImportReport, Unplaced};

/// The RDF syntaxes read and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Turtle,
    NTriples,
    RdfXml,
    JsonLd,
}

impl Format {
    /// By file extension: `.ttl`, `.nt`, `.rdf` / `.xml` / `.owl`, `.jsonld`.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "ttl" => Format::Turtle,
            "nt" => Format::NTriples,
            "rdf" | "xml" | "owl" => Format::RdfXml,
            "jsonld" => Format::JsonLd,
            _ => return None,
        })
    }
}

/// How a file is read.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The namespace stripped from concept IRIs to make keys (default [`vocab::DEFAULT_BASE`]).
    pub base: Option<String>,
    /// The language of labels (default: the scheme's `dct:language`, else the file's most common
    /// label language).
    pub lang: Option<String>,
}

/// A parsed and checked SKOS file.
#[derive(Debug, Clone)]
pub struct SkosImport {
    pub file: ImportFile,
    /// The concepts marked `owl:deprecated true`, with what the file says about them, by key.
    pub deprecated: Vec<DeprecatedConcept>,
    pub report: ImportReport,
}

impl SkosImport {
    /// (deprecated key, node key) for each deprecated concept with one `dct:isReplacedBy`,
    /// followed through replacements that are themselves deprecated (A by B, B by C: A -> C) to
    /// a node of the file; an import merges a node of the head into it instead of removing it.
    pub fn replacements(&self) -> Vec<(String, String)> {
        let next: HashMap<&str, &str> = self
            .report
            .deprecated
            .iter()
            .filter(|d| d.replaced_by.len() == 1)
            .map(|d| (d.key.as_str(), d.replaced_by[0].as_str()))
            .collect();
        let mut out = Vec::new();
        for &from in next.keys() {
            let mut at = from;
            let mut seen = HashSet::from([from]);
            while let Some(&to) = next.get(at) {
                if !seen.insert(to) {
                    break; // a ring of replacements names no node
                }
                at = to;
            }
            if at != from && self.file.nodes.contains_key(at) {
                out.push((from.to_string(), at.to_string()));
            }
        }
        out.sort();
        out
    }
}

/// Reads and maps a whole file; nothing is published.
pub fn read_file(path: &Path, format: Format, opts: &Options) -> Result<SkosImport> {
    let bytes = std::fs::read(path).map_err(|e| Error::io_path(path, e))?;
    parse(&bytes, format, path, opts)
}

/// Parses `bytes` (`name` names them in errors) and maps them to nodes.
pub fn parse(bytes: &[u8], format: Format, name: &Path, opts: &Options) -> Result<SkosImport> {
    if let Some(base) = &opts.base {
        iri::check_base(base)?;
    }
    let triples = syntax::parse(bytes, format, name)?;
    let r = read::read(&triples, opts)?;
    Ok(SkosImport {
        file: r.file,
        deprecated: r.deprecated,
        report: r.report,
    })
}

/// Parses `bytes` into triples only (tests compare graphs with it).
pub fn parse_triples(bytes: &[u8], format: Format) -> Result<Vec<Triple>> {
    syntax::parse(bytes, format, Path::new("<input>"))
}

/// The sorted triples of an export.
pub fn export_triples(records: &[NodeRecord], meta: &ExportMeta) -> Result<Vec<Triple>> {
    graph::triples(records, meta)
}

/// Writes `records` (one version, sorted by key as `read::export` returns them) as SKOS.
pub fn export(records: &[NodeRecord], meta: &ExportMeta, format: Format) -> Result<Vec<u8>> {
    let triples = graph::triples(records, meta)?;
    let mut out = Vec::with_capacity(records.len() * 400);
    write::write(&triples, format, &mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replacements_follow_deprecated_replacements_to_a_node() {
        let ttl = r#"
            @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
            @prefix owl: <http://www.w3.org/2002/07/owl#> .
            @prefix dct: <http://purl.org/dc/terms/> .
            @prefix ex: <http://ex.org/> .
            ex:c a skos:Concept ; skos:prefLabel "C"@en .
            ex:a a skos:Concept ; owl:deprecated true ; dct:isReplacedBy ex:b ;
                skos:prefLabel "A"@en , "A"@fr ; skos:notation "1" .
            ex:b a skos:Concept ; owl:deprecated true ; dct:isReplacedBy ex:c .
            ex:x a skos:Concept ; owl:deprecated true ; dct:isReplacedBy ex:y .
            ex:y a skos:Concept ; owl:deprecated true ; dct:isReplacedBy ex:x .
        "#;
        let opts = Options {
            base: Some("http://ex.org/".into()),
            lang: None,
        };
        let s = parse(ttl.as_bytes(), Format::Turtle, Path::new("t.ttl"), &opts).expect("parse");
        assert_eq!(
            s.replacements(),
            [("a".to_string(), "c".to_string()), ("b".into(), "c".into())]
        );
        let keys: Vec<&str> = s.deprecated.iter().map(|d| d.key.as_str()).collect();
        assert_eq!(keys, ["a", "b", "x", "y"]);
        // Everything but type, owl:deprecated and inScheme is kept, sorted.
        let a: Vec<&str> = s.deprecated[0]
            .statements
            .iter()
            .map(|e| e.property.rsplit(['#', '/']).next().unwrap_or(""))
            .collect();
        assert_eq!(a, ["isReplacedBy", "notation", "prefLabel", "prefLabel"]);
        assert_eq!(s.report.unplaced_total, 0);
    }
}
