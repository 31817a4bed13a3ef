//! `dtrag bench …`: benchmarks that print figures and write docs/benchmarks.md (crates/bench).

use std::path::PathBuf;

use clap::Subcommand;

use crate::Ctx;

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Search benchmark over the WordNet 3.0 glosses (ingest, BM25, vector, hybrid, recall),
    /// then the retrieval quality on WordNet golden sets (as search-quality does).
    Search {
        #[arg(long, default_value = "target/dtrag-data")]
        wordnet_dir: PathBuf,
        #[arg(long, default_value = "docs/benchmarks.md")]
        out: PathBuf,
        /// Skip the retrieval-quality sets that follow (`bench search-quality` runs them alone).
        #[arg(long)]
        no_quality: bool,
    },
    /// Retrieval quality alone: recall@10, MRR, nDCG per mode on golden sets built from WordNet
    /// (lexical, paraphrase, mixed), over the first --limit glosses (default: all).
    SearchQuality {
        #[arg(long, default_value = "target/dtrag-data")]
        wordnet_dir: PathBuf,
        #[arg(long, default_value = "docs/benchmarks.md")]
        out: PathBuf,
        /// Only the first N gloss documents (embedded once, then cached beside the corpus).
        #[arg(long)]
        limit: Option<usize>,
    },
    /// Taxonomy benchmark on the WordNet noun hierarchy (3.0 and 3.1).
    Taxonomy {
        /// Folder holding wordnet-3.0-nouns.jsonl and wordnet-3.1-nouns.jsonl.
        #[arg(long, default_value = "target/dtrag-data")]
        wordnet_dir: PathBuf,
        /// Markdown file to update with the figures.
        #[arg(long, default_value = "docs/benchmarks.md")]
        out: PathBuf,
    },
    /// SKOS interchange on the WordNet 3.0 noun hierarchy converted to Turtle: import, export
    /// in each syntax, round trip.
    Skos {
        /// Folder holding wordnet-3.0-nouns.jsonl (the Turtle file is written beside it).
        #[arg(long, default_value = "target/dtrag-data")]
        wordnet_dir: PathBuf,
        /// Markdown file to update with the figures.
        #[arg(long, default_value = "docs/benchmarks.md")]
        out: PathBuf,
    },
    /// Concurrent clients, each on connections of its own, with a mix of tree reads (head and
    /// older versions), node details, diffs, hybrid and agent searches, review decisions and
    /// one-node publishes; p50/p95/p99 per operation, throughput, errors, integrity afterwards.
    Load {
        /// Folder holding the WordNet 3.0 nouns and glosses (and their vector cache).
        #[arg(long, default_value = "target/dtrag-data")]
        wordnet_dir: PathBuf,
        /// Markdown file to update with the figures.
        #[arg(long, default_value = "docs/benchmarks.md")]
        out: PathBuf,
        /// Concurrent clients; several (`--clients 32,128,256`) run one after another.
        #[arg(long, value_delimiter = ',', default_value = "128")]
        clients: Vec<usize>,
        /// Length of each run.
        #[arg(long, default_value_t = 60)]
        seconds: u64,
        /// Mean think time between one client's operations, in ms (0: back to back).
        #[arg(long, default_value_t = 1000)]
        think_ms: u64,
    },
    /// Classifier and review-queue benchmark on documents built from WordNet 3.0 glosses.
    Classify {
        /// Folder holding wordnet-3.0-nouns.jsonl.
        #[arg(long, default_value = "target/dtrag-data")]
        wordnet_dir: PathBuf,
        /// Markdown file to update with the figures.
        #[arg(long, default_value = "docs/benchmarks.md")]
        out: PathBuf,
        /// Categories picked from the WordNet noun hierarchy.
        #[arg(long, default_value_t = 20)]
        categories: usize,
        /// Real documents (one per synset, embedded) for the quality measurement.
        #[arg(long, default_value_t = 6_000)]
        documents: usize,
        /// Share of the real documents labelled by hand.
        #[arg(long, default_value_t = 0.4)]
        labelled_share: f32,
        /// Documents with vectors for the throughput and queue measurements.
        #[arg(long, default_value_t = 100_000)]
        scale: usize,
        /// Queue decisions timed.
        #[arg(long, default_value_t = 200)]
        decisions: usize,
        /// Target precision of auto-accepted suggestions.
        #[arg(long, default_value_t = 0.9)]
        precision: f32,
        /// Further quality runs for comparison, each `CATEGORIES:DOCUMENTS` (repeatable; `--compare none` skips them).
        #[arg(long = "compare", value_parser = parse_level, default_values = ["20:3000", "60:3000"])]
        compare: Vec<Option<dtrag_bench::classify::Level>>,
    },
}

pub async fn run(cmd: BenchCommand, ctx: &Ctx) -> anyhow::Result<()> {
    let h = ctx.open(4).await?;
    let json = ctx.out.json;
    let mut say = |line: String| {
        if !json {
            eprintln!("{line}")
        }
    };
    match cmd {
        BenchCommand::Search {
            wordnet_dir,
            out,
            no_quality,
        } => {
            let report =
                dtrag_bench::search::run(h.pool(), &wordnet_dir, &ctx.config.models_dir, &mut say)
                    .await?;
            dtrag_bench::write_section(&out, "search", &report.markdown())?;
            ctx.out.value(&report, || report.markdown());
            if !no_quality {
                quality(&h, &wordnet_dir, &out, None, ctx, &mut say).await?;
            }
        }
        BenchCommand::SearchQuality {
            wordnet_dir,
            out,
            limit,
        } => quality(&h, &wordnet_dir, &out, limit, ctx, &mut say).await?,
        BenchCommand::Taxonomy { wordnet_dir, out } => {
            let report = dtrag_bench::taxonomy::run(h.pool(), &wordnet_dir, &mut say).await?;
            dtrag_bench::write_section(&out, "taxonomy", &report.markdown())?;
            ctx.out.value(&report, || report.markdown());
        }
        BenchCommand::Skos { wordnet_dir, out } => {
            let report = dtrag_bench::skos::run(h.pool(), &wordnet_dir, &mut say).await?;
            dtrag_bench::write_section(&out, "skos", &report.markdown())?;
            ctx.out.value(&report, || report.markdown());
        }
        BenchCommand::Load {
            wordnet_dir,
            out,
            clients,
            seconds,
            think_ms,
        } => {
            let opts = dtrag_bench::load::Options {
                clients,
                seconds,
                think_ms,
            };
            let report = dtrag_bench::load::run(&h, &wordnet_dir, &opts, &mut say).await?;
            dtrag_bench::write_section(&out, "load", &report.markdown())?;
            ctx.out.value(&report, || report.markdown());
            if let Some(r) = report.runs.iter().find(|r| !r.integrity.ok) {
                anyhow::bail!("load: integrity check failed after {} clients", r.clients);
            }
        }
        BenchCommand::Classify {
            wordnet_dir,
            out,
            categories,
            documents,
            labelled_share,
            scale,
            decisions,
            precision,
            compare,
        } => {
            let opts = dtrag_bench::classify::Options {
                categories,
                documents,
                labelled_share,
                scale,
                decisions,
                precision,
                compare: compare.into_iter().flatten().collect(),
            };
            let report = dtrag_bench::classify::run(
                h.pool(),
                &wordnet_dir,
                &ctx.config.models_dir,
                &opts,
                &mut say,
            )
            .await?;
            dtrag_bench::write_section(&out, "classify", &report.markdown())?;
            ctx.out.value(&report, || report.markdown());
        }
    }
    Ok(())
}

async fn quality(
    h: &dtrag_api::Handle,
    wordnet_dir: &std::path::Path,
    out: &std::path::Path,
    limit: Option<usize>,
    ctx: &Ctx,
    say: &mut dyn FnMut(String),
) -> anyhow::Result<()> {
    let report = dtrag_bench::search::quality::run(
        h.pool(),
        wordnet_dir,
        &ctx.config.models_dir,
        limit,
        say,
    )
    .await?;
    dtrag_bench::write_section(out, "search-quality", &report.markdown())?;
    ctx.out.value(&report, || report.markdown());
    Ok(())
}

/// `--compare`: a level, or `none`.
fn parse_level(s: &str) -> Result<Option<dtrag_bench::classify::Level>, String> {
    if s.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    s.parse().map(Some)
}
