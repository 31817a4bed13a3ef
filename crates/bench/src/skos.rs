//! `dtrag bench skos`: SKOS interchange at WordNet scale. The 3.0 noun hierarchy (82k nodes, the
//! JSON Lines import file) is converted to SKOS Turtle once, then imported into an empty scratch
//! taxonomy (parse, map, check, publish) and exported again in each syntax, with the round trip
//! checked: the export parses back to exactly the nodes imported, and exports are deterministic.

use std::path::Path;
use std::time::Instant;

use serde::Serialize;
use sqlx::PgPool;

use dtrag_core::taxonomy::import::{self, ImportOptions};
use dtrag_core::taxonomy::model::PublishMeta;
use dtrag_core::taxonomy::read;
use dtrag_core::{Error, Result};
use dtrag_skos::{ExportMeta, Format, Options};

/// The namespace of the converted file's concepts.
const BASE: &str = "http://example.org/wordnet/3.0/";

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub nodes: usize,
    pub triples: usize,
    pub turtle_bytes: usize,
    pub convert_ms: f64,
    pub parse_ms: f64,
    pub import_ms: f64,
    /// Per syntax: (name, ms, bytes).
    pub exports: Vec<(String, f64, usize)>,
    pub check_ms: f64,
    pub findings: usize,
    pub round_trip_equal: bool,
    pub deterministic: bool,
    /// The imported version equals the JSON Lines file, alternative labels compared as sets
    /// (RDF has no order: an import sorts them).
    pub source_equal: bool,
}

impl Report {
    pub fn markdown(&self) -> String {
        let ok = |met: bool| if met { "met" } else { "**missed**" };
        let mut rows = String::new();
        for (name, ms, bytes) in &self.exports {
            rows.push_str(&format!(
                "| export {name} ({:.1} MB; read the version + map + write) | {ms:.0} ms | ≤ 10 s | {} |\n",
                *bytes as f64 / 1e6,
                ok(*ms <= 10_000.0)
            ));
        }
        format!(
            "## SKOS interchange (WordNet 3.0 nouns as SKOS Turtle)\n\n\
             `dtrag bench skos`, {} concepts, {} triples, {:.1} MB of Turtle. Written by the benchmark itself.\n\n\
             | measure | figure | target | |\n|---|---|---|---|\n\
             | convert the JSON Lines file to SKOS Turtle (in memory) | {:.0} ms | | |\n\
             | import: parse + map + check the Turtle file | {:.0} ms | | |\n\
             | import into an empty taxonomy (all of it: parse to published version) | {:.0} ms | ≤ 15 s | {} |\n\
             {rows}\
             | quality checks of the version (read + check) | {:.0} ms, {} findings | | |\n\
             | the imported version equals the JSON Lines file (alternative labels as sets: RDF has no order) | {} | | |\n\
             | round trip: each export parses back to exactly the version; exports byte-identical | {} / {} | both | {} |\n",
            self.nodes, self.triples, self.turtle_bytes as f64 / 1e6,
            self.convert_ms,
            self.parse_ms,
            self.import_ms, ok(self.import_ms <= 15_000.0),
            self.check_ms, self.findings,
            self.source_equal,
            self.round_trip_equal, self.deterministic, ok(self.round_trip_equal && self.deterministic),
        )
    }
}

/// Runs the benchmark in a scratch database next to `pool`'s; writes the converted file beside
/// the WordNet data (`wordnet-3.0-nouns.ttl`).
pub async fn run(
    pool: &PgPool,
    wordnet_dir: &Path,
    progress: &mut dyn FnMut(String),
) -> Result<Report> {
    let source = wordnet_dir.join("wordnet-3.0-nouns.jsonl");
    if !source.exists() {
        return Err(Error::Invalid(format!(
            "{} is missing: run scripts/fetch-wordnet.sh first",
            source.display()
        )));
    }
    let ttl = wordnet_dir.join("wordnet-3.0-nouns.ttl");
    super::with_scratch_database(pool, |scratch| async move {
        run_in(&scratch, &source, &ttl, progress).await
    })
    .await
}

async fn run_in(
    pool: &PgPool,
    source: &Path,
    ttl: &Path,
    progress: &mut dyn FnMut(String),
) -> Result<Report> {
    let mut records = import::read_file(source)?.into_records();
    let nodes = records.len();
    let meta = ExportMeta {
        version: 1,
        modified: "2008-01-01T00:00:00Z".into(),
        base: Some(BASE.into()),
        lang: "en".into(),
        deprecated: Vec::new(),
    };
    let t = Instant::now();
    let turtle = dtrag_skos::export(&records, &meta, Format::Turtle)?;
    let convert_ms = ms(t);
    std::fs::write(ttl, &turtle).map_err(|e| Error::io_path(ttl, e))?;
    // The import below is measured as the CLI runs it: without the conversion's buffers held.
    let turtle_bytes = turtle.len();
    drop(turtle);
    let triples = dtrag_skos::export_triples(&records, &meta)?.len();
    progress(format!(
        "converted {nodes} nodes to {triples} triples in {convert_ms:.0} ms: {}",
        ttl.display()
    ));

    let opts = Options {
        base: Some(BASE.into()),
        lang: None,
    };
    let t = Instant::now();
    let parsed = dtrag_skos::read_file(ttl, Format::Turtle, &opts)?;
    let parse_ms = ms(t);
    let replaced: Vec<(String, String)> = Vec::new();
    let published = import::import_with(
        pool,
        parsed.file,
        ImportOptions {
            replaced: &replaced,
            language: Some(&parsed.report.language),
            deprecated: Some(&parsed.deprecated),
            audit: serde_json::json!({}),
        },
        &PublishMeta {
            author: "bench".into(),
            message: "WordNet 3.0 as SKOS".into(),
        },
        "wordnet-3.0-nouns.ttl",
    )
    .await?;
    let import_ms = ms(t);
    progress(format!(
        "import: parse {parse_ms:.0} ms, all {import_ms:.0} ms"
    ));
    let version = published.version.unwrap_or(0);
    let now = {
        let mut conn = pool.acquire().await?;
        read::export(&mut conn, Some(version)).await?
    };
    for r in &mut records {
        r.alt_labels.sort();
        r.alt_labels.dedup();
    }
    let source_equal = now == records;
    drop(records);

    let mut exports = Vec::new();
    let mut deterministic = true;
    let mut round_trip_equal = true;
    for (name, format) in [
        ("Turtle", Format::Turtle),
        ("N-Triples", Format::NTriples),
        ("RDF/XML", Format::RdfXml),
        ("JSON-LD", Format::JsonLd),
    ] {
        let t = Instant::now();
        let bytes = export_version(pool, version, format).await?;
        let took = ms(t);
        progress(format!(
            "export {name}: {took:.0} ms, {} bytes",
            bytes.len()
        ));
        deterministic &= export_version(pool, version, format).await? == bytes;
        let back = dtrag_skos::parse(&bytes, format, Path::new(name), &opts)?;
        round_trip_equal &= back.file.into_records() == now;
        exports.push((name.to_string(), took, bytes.len()));
    }

    let t = Instant::now();
    let mut conn = pool.acquire().await?;
    let now = read::export(&mut conn, Some(version)).await?;
    drop(conn);
    let findings = dtrag_skos::quality::check(version, &now, "en")
        .findings
        .len();
    let check_ms = ms(t);
    progress(format!(
        "quality checks: {check_ms:.0} ms, {findings} findings"
    ));
    Ok(Report {
        nodes,
        triples,
        turtle_bytes,
        convert_ms,
        parse_ms,
        import_ms,
        exports,
        check_ms,
        findings,
        round_trip_equal,
        deterministic,
        source_equal,
    })
}

/// What `dtrag taxonomy export --format …` does: read the version, map, write.
async fn export_version(pool: &PgPool, version: i64, format: Format) -> Result<Vec<u8>> {
    let mut conn = pool.acquire().await?;
    let records = read::export(&mut conn, Some(version)).await?;
    let (created, language) = read::version_language(&mut conn, version).await?;
    let meta = ExportMeta {
        version,
        modified: created.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        base: Some(BASE.into()),
        lang: language.unwrap_or_else(|| "en".into()),
        deprecated: Vec::new(),
    };
    dtrag_skos::export(&records, &meta, format)
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}
