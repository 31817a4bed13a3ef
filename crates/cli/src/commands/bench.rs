//! `dtrag bench …`: benchmarks that print figures and write docs/benchmarks.md (crates/bench).

use std::path::PathBuf;

use clap::Subcommand;

use crate::Ctx;

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Search benchmark over the WordNet 3.0 glosses (ingest, BM25, vector, hybrid, recall).
    Search {
        #[arg(long, default_value = "target/dtrag-data")]
        wordnet_dir: PathBuf,
        #[arg(long, default_value = "docs/benchmarks.md")]
        out: PathBuf,
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
        BenchCommand::Search { wordnet_dir, out } => {
            let report =
                dtrag_bench::search::run(h.pool(), &wordnet_dir, &ctx.config.models_dir, &mut say)
                    .await?;
            dtrag_bench::write_section(&out, "search", &report.markdown())?;
            ctx.out.value(&report, || report.markdown());
        }
        BenchCommand::Taxonomy { wordnet_dir, out } => {
            let report = dtrag_bench::taxonomy::run(h.pool(), &wordnet_dir, &mut say).await?;
            dtrag_bench::write_section(&out, "taxonomy", &report.markdown())?;
            ctx.out.value(&report, || report.markdown());
        }
    }
    Ok(())
}
