//! Taxonomy files in and out: JSON Lines (the native format) and SKOS in Turtle, N-Triples,
//! RDF/XML or JSON-LD (`dtrag-skos`), by extension or by name; the import's preview; the quality
//! checks. Files are parsed off the async workers (82k concepts take a second or two).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use dtrag_core::taxonomy::deprecated;
use dtrag_core::taxonomy::import::{self, ImportFile, ImportOptions};
use dtrag_core::taxonomy::read::{self, At};
use dtrag_core::taxonomy::DeprecatedConcept;
use dtrag_core::{Error, Result};
use dtrag_skos::quality::{self, QualityReport};
use dtrag_skos::{ExportMeta, Format, ImportReport, Options};

use crate::taxonomy::ImportRequest;
use crate::types::{Diff, Published};
use crate::Handle;

/// A taxonomy file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum FileFormat {
    Jsonl,
    Turtle,
    #[serde(rename = "ntriples")]
    NTriples,
    #[serde(rename = "rdfxml")]
    RdfXml,
    #[serde(rename = "jsonld")]
    JsonLd,
}

impl FileFormat {
    /// By extension: `.ttl`, `.nt`, `.rdf` / `.xml` / `.owl`, `.jsonld`; anything else is JSON Lines.
    pub fn of_path(path: &Path) -> FileFormat {
        match Format::from_path(path) {
            Some(f) => FileFormat::from(f),
            None => FileFormat::Jsonl,
        }
    }

    /// The names the CLI takes (`turtle`, `ntriples`, `rdfxml`, `jsonld`, `jsonl`, and the extensions).
    pub fn parse(name: &str) -> Result<FileFormat> {
        Ok(match name.to_ascii_lowercase().as_str() {
            "jsonl" | "json" => FileFormat::Jsonl,
            "turtle" | "ttl" => FileFormat::Turtle,
            "ntriples" | "n-triples" | "nt" => FileFormat::NTriples,
            "rdfxml" | "rdf-xml" | "rdf" | "xml" | "owl" => FileFormat::RdfXml,
            "jsonld" | "json-ld" => FileFormat::JsonLd,
            other => {
                return Err(Error::Invalid(format!(
                    "unknown format {other:?} (jsonl, turtle, ntriples, rdfxml, jsonld)"
                )))
            }
        })
    }

    fn skos(self) -> Option<Format> {
        match self {
            FileFormat::Jsonl => None,
            FileFormat::Turtle => Some(Format::Turtle),
            FileFormat::NTriples => Some(Format::NTriples),
            FileFormat::RdfXml => Some(Format::RdfXml),
            FileFormat::JsonLd => Some(Format::JsonLd),
        }
    }
}

impl From<Format> for FileFormat {
    fn from(f: Format) -> Self {
        match f {
            Format::Turtle => FileFormat::Turtle,
            Format::NTriples => FileFormat::NTriples,
            Format::RdfXml => FileFormat::RdfXml,
            Format::JsonLd => FileFormat::JsonLd,
        }
    }
}

/// A published import, with what a SKOS file's mapping reported (`None` for JSON Lines).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Imported {
    #[serde(flatten)]
    pub published: Published,
    pub skos: Option<ImportReport>,
}

/// What an import would change, before it is published.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportPreview {
    pub diff: Diff,
    pub skos: Option<ImportReport>,
}

/// A version written as a file.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExportRequest {
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub version: Option<i64>,
    /// Default JSON Lines.
    pub format: Option<FileFormat>,
    /// The namespace put before keys (SKOS).
    pub base: Option<String>,
    /// The language tag of labels (SKOS; default: the version's, else `en`).
    pub lang: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CheckRequest {
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub version: Option<i64>,
    /// The language the labels are in (default: the version's, else `en`).
    pub lang: Option<String>,
}

struct Parsed {
    file: ImportFile,
    skos: Option<ImportReport>,
    replaced: Vec<(String, String)>,
    /// A SKOS file's deprecated concepts (they replace the head's); `None` for JSON Lines.
    deprecated: Option<Vec<DeprecatedConcept>>,
}

async fn parse(req: &ImportRequest) -> Result<Parsed> {
    let path = PathBuf::from(&req.path);
    let format = req.format.unwrap_or_else(|| FileFormat::of_path(&path));
    let opts = Options {
        base: req.base.clone(),
        lang: req.lang.clone(),
    };
    tokio::task::spawn_blocking(move || match format.skos() {
        None => Ok(Parsed {
            file: import::read_file(&path)?,
            skos: None,
            replaced: Vec::new(),
            deprecated: None,
        }),
        Some(f) => {
            let s = dtrag_skos::read_file(&path, f, &opts)?;
            let replaced = s.replacements();
            Ok(Parsed {
                file: s.file,
                skos: Some(s.report),
                replaced,
                deprecated: Some(s.deprecated),
            })
        }
    })
    .await
    .map_err(|e| Error::Internal(format!("reading the file failed: {e}")))?
}

fn audit_of(report: &Option<ImportReport>) -> serde_json::Value {
    match report {
        None => serde_json::json!({}),
        Some(r) => serde_json::json!({ "skos": {
            "language": r.language,
            "concepts": r.concepts,
            "deprecated": r.deprecated.len(),
            "unplaced": r.unplaced_total,
        }}),
    }
}

/// Publishes a version equal to the file (JSON Lines or SKOS).
pub async fn import(h: &Handle, req: ImportRequest) -> Result<Imported> {
    let p = parse(&req).await?;
    let meta = h.meta(req.message.clone(), || format!("import {}", req.path));
    let opts = ImportOptions {
        replaced: &p.replaced,
        language: p.skos.as_ref().map(|r| r.language.as_str()),
        deprecated: p.deprecated.as_deref(),
        audit: audit_of(&p.skos),
    };
    let published = import::import_with(h.pool(), p.file, opts, &meta, &req.path).await?;
    Ok(Imported {
        published,
        skos: p.skos,
    })
}

/// What importing the file would change; nothing is written.
pub async fn preview_import(h: &Handle, req: ImportRequest) -> Result<ImportPreview> {
    let p = parse(&req).await?;
    let meta = h.meta(None, || "preview".into());
    let opts = ImportOptions {
        replaced: &p.replaced,
        language: p.skos.as_ref().map(|r| r.language.as_str()),
        deprecated: p.deprecated.as_deref(),
        audit: serde_json::json!({}),
    };
    let diff = import::preview(h.pool(), p.file, opts, &meta, &req.path).await?;
    Ok(ImportPreview { diff, skos: p.skos })
}

/// A version as the bytes of a file: JSON Lines (one node a line, sorted by key) or SKOS
/// (sorted by subject): the same version always gives the same bytes.
pub async fn export_file(h: &Handle, req: ExportRequest) -> Result<Vec<u8>> {
    let mut conn = h.pool().acquire().await?;
    let at = At::resolve(&mut conn, req.version).await?;
    let records = read::export(&mut conn, Some(at.version)).await?;
    let Some(format) = req.format.unwrap_or(FileFormat::Jsonl).skos() else {
        let mut out = Vec::new();
        for r in &records {
            serde_json::to_writer(&mut out, r).map_err(|e| Error::Internal(e.to_string()))?;
            out.push(b'\n');
        }
        return Ok(out);
    };
    let (created, language) = read::version_language(&mut conn, at.version).await?;
    let deprecated = deprecated::at(&mut conn, at).await?;
    drop(conn);
    let meta = ExportMeta {
        version: at.version,
        modified: created.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        base: req.base,
        lang: req.lang.or(language).unwrap_or_else(|| "en".into()),
        deprecated,
    };
    tokio::task::spawn_blocking(move || dtrag_skos::export(&records, &meta, format))
        .await
        .map_err(|e| Error::Internal(format!("writing the export failed: {e}")))?
}

/// The quality findings of a version (qSKOS-style).
pub async fn check(h: &Handle, req: CheckRequest) -> Result<QualityReport> {
    let mut conn = h.pool().acquire().await?;
    let at = At::resolve(&mut conn, req.version).await?;
    let records = read::export(&mut conn, Some(at.version)).await?;
    let (_, language) = read::version_language(&mut conn, at.version).await?;
    let lang = req.lang.or(language).unwrap_or_else(|| "en".into());
    Ok(quality::check(at.version, &records, &lang))
}
