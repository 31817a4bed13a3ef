//! `dtrag docs …`.

use std::path::PathBuf;

use clap::Subcommand;

use dtrag_api::documents::{self, AddDocuments};
use dtrag_api::types::ChunkSettings;
use dtrag_api::types::DocSummary;

use crate::output::Progress;
use crate::Ctx;

#[derive(Subcommand)]
pub enum DocsCommand {
    /// Adds (or replaces) documents: text/Markdown/HTML files, or JSON Lines of
    /// {"id","title","text","categories"}; then embeds the new chunks with the default model.
    Add {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Chunk size in characters.
        #[arg(long, default_value_t = ChunkSettings::default().size)]
        chunk_size: usize,
        /// Characters repeated from the end of one chunk at the start of the next.
        #[arg(long, default_value_t = ChunkSettings::default().overlap)]
        overlap: usize,
        /// Leave the new chunks without vectors (`dtrag embed` adds them later).
        #[arg(long)]
        no_embed: bool,
    },
    /// Lists the documents.
    List,
    /// A document and its chunks (by source id, or by id when no source id matches).
    Show { document: String },
    /// Removes one document (by source id, or by id when no source id matches).
    Remove { document: String },
}

fn describe(d: &DocSummary) -> String {
    format!(
        "{:>6}  {}  ({} chunks)  {}  [{}]",
        d.id,
        d.source_id,
        d.chunks,
        d.title,
        d.categories.join(", ")
    )
}

pub async fn run(cmd: DocsCommand, ctx: &Ctx) -> anyhow::Result<()> {
    let h = ctx.open(3).await?;
    let out = &ctx.out;
    match cmd {
        DocsCommand::Add {
            paths,
            chunk_size,
            overlap,
            no_embed,
        } => {
            let req = AddDocuments {
                paths,
                chunking: ChunkSettings {
                    size: chunk_size,
                    overlap,
                },
                no_embed,
            };
            let mut progress = Progress::new(!out.json);
            let added = documents::add(&h, req, &mut |p| progress.update(&p)).await;
            progress.finish();
            let added = added?;
            if let Some(n) = &added.notice {
                if !out.json {
                    eprintln!("warning: {n}");
                }
            }
            out.value(&added, || {
                let i = &added.ingest;
                let mut s = format!(
                    "{} added, {} replaced, {} unchanged; {} chunks written",
                    i.added, i.replaced, i.unchanged, i.chunks_written
                );
                if let Some(e) = &added.embedding {
                    s += &format!("; {} embedded with {}", e.report.embedded, e.model);
                }
                s
            });
        }
        DocsCommand::List => {
            let docs = documents::list(&h).await?;
            out.value(&docs, || {
                docs.iter().map(describe).collect::<Vec<_>>().join("\n")
            });
        }
        DocsCommand::Show { document } => {
            let d = documents::show(&h, &document).await?;
            out.value(&d, || {
                let mut s = format!("{}  [{}]\n", d.document.title, d.document.source_id);
                for (i, c) in d.chunks.iter().enumerate() {
                    s += &format!("--- chunk {i}\n{c}\n");
                }
                s.trim_end().to_string()
            });
        }
        DocsCommand::Remove { document } => {
            let removed = documents::remove(&h, &document).await?;
            out.value(&serde_json::json!({"removed": removed}), || {
                format!("removed {}", describe(&removed))
            });
        }
    }
    Ok(())
}
