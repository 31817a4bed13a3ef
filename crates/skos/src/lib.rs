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

use std::path::Path;

use dtrag_core::taxonomy::import::ImportFile;
use dtrag_core::taxonomy::model::NodeRecord;
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
    pub report: ImportReport,
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
    let (file, report) = read::read(&triples, opts)?;
    Ok(SkosImport { file, report })
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
