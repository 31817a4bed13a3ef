//! `dtrag`: the command-line face of DT-RAG Studio. It parses arguments, calls the library, and
//! prints the result (text for people, `--json` for scripts). No domain logic lives here.

mod output;
mod retrieval;

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};

use dtrag::db::embedded::{default_data_dir, EmbeddedCluster};
use dtrag::db::open::{self, Target};
use dtrag::db::{self as db, migrate};
use dtrag::taxonomy::edit::{self, EditOp};
use dtrag::taxonomy::{diff, import, read, rollback, PublishMeta};

use output::Out;

#[derive(Parser)]
#[command(
    name = "dtrag",
    version,
    about = "DT-RAG Studio: versioned DAG taxonomy for RAG"
)]
struct Cli {
    /// PostgreSQL URL (any PostgreSQL 15+ with pgvector). Without it, the embedded database is used.
    #[arg(long, global = true, env = "DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
    /// Data directory of the embedded database.
    #[arg(long, global = true, env = "DTRAG_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Machine-readable JSON output.
    #[arg(long, global = true)]
    json: bool,
    /// Who is making the change (recorded on versions and in the audit log).
    #[arg(long, global = true, env = "DTRAG_AUTHOR")]
    author: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The database: embedded cluster and migrations.
    #[command(subcommand)]
    Db(DbCommand),
    /// The versioned taxonomy.
    #[command(subcommand)]
    Taxonomy(TaxonomyCommand),
    /// Documents: ingest, list, show, remove.
    #[command(subcommand)]
    Docs(DocsCommand),
    /// Search document chunks: hybrid (BM25 + vector, fused), BM25 or vector, optionally limited
    /// to categories.
    Search(retrieval::SearchArgs),
    /// Embedding models: list, add, default, remove, index, key.
    #[command(subcommand)]
    Models(retrieval::ModelsCommand),
    /// Embeds the chunks that have no vector yet (a resumable job), then builds the HNSW index.
    Embed(retrieval::EmbedArgs),
    /// The append-only audit log, newest first.
    Audit {
        #[arg(long)]
        actor: Option<String>,
        /// Action prefix, e.g. `taxonomy.rollback`.
        #[arg(long)]
        action: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Benchmarks that print figures and write them to docs/benchmarks.md.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Imports the sample taxonomy (if the taxonomy is empty) and prints its tree.
    Demo,
}

#[derive(Subcommand)]
enum DbCommand {
    /// Starts (or reuses) the embedded cluster, applies migrations, prints the connection URL.
    Start,
    /// Stops the embedded cluster.
    Stop,
    /// Whether the embedded cluster is running, and where.
    Status,
    /// Applies pending migrations.
    Migrate {
        /// Shows the SQL and runs it in a transaction that is rolled back.
        #[arg(long)]
        dry_run: bool,
    },
    /// Reverts the latest migration (one step).
    Revert {
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand)]
enum DocsCommand {
    /// Adds (or replaces) documents: text/Markdown files, or JSON Lines of {"id","title","text","categories"}.
    Add {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Chunk size in characters.
        #[arg(long, default_value_t = 1000)]
        chunk_size: usize,
        /// Characters repeated from the end of one chunk at the start of the next.
        #[arg(long, default_value_t = 150)]
        overlap: usize,
    },
    /// Lists the documents.
    List,
    /// A document and its chunks (by id or source id).
    Show { document: String },
    /// Removes a document (by id or source id).
    Remove { document: String },
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Search benchmark: BM25 over the WordNet 3.0 noun glosses (82k documents).
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

#[derive(Args)]
struct Message {
    /// What the change is for (recorded on the version).
    #[arg(short, long)]
    message: Option<String>,
    /// The version the change was made against (default: the head).
    #[arg(long)]
    base: Option<i64>,
}

#[derive(Subcommand)]
enum TaxonomyCommand {
    /// Publishes a version equal to a JSON Lines file (nodes missing from the file are removed).
    Import {
        file: PathBuf,
        #[arg(short, long)]
        message: Option<String>,
    },
    /// Writes a version as JSON Lines, sorted by key.
    Export {
        #[arg(long)]
        version: Option<i64>,
        /// Output file (default: standard output).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Lists the versions.
    Versions,
    /// Prints the tree (a node with several parents appears under each).
    Tree {
        #[arg(long)]
        version: Option<i64>,
        #[arg(long)]
        under: Option<String>,
        #[arg(long)]
        depth: Option<usize>,
    },
    /// A node, its parents, children, and every path to a root.
    Show {
        key: String,
        #[arg(long)]
        version: Option<i64>,
    },
    /// Finds nodes by label or alternative label (trigram-ranked).
    Find {
        text: String,
        #[arg(long)]
        version: Option<i64>,
        #[arg(long, default_value_t = 20)]
        limit: i64,
    },
    /// Applies a change set (JSON Lines of operations) as one version.
    Edit {
        ops: PathBuf,
        #[command(flatten)]
        msg: Message,
    },
    /// Adds a node.
    Add {
        key: String,
        label: String,
        #[arg(long = "parent")]
        parents: Vec<String>,
        #[arg(long, default_value = "")]
        description: String,
        #[arg(long = "alt-label")]
        alt_labels: Vec<String>,
        #[command(flatten)]
        msg: Message,
    },
    /// Changes a node's label.
    Rename {
        key: String,
        label: String,
        #[command(flatten)]
        msg: Message,
    },
    /// Changes a node's description.
    Describe {
        key: String,
        description: String,
        #[command(flatten)]
        msg: Message,
    },
    /// Replaces a node's alternative labels.
    AltLabels {
        key: String,
        labels: Vec<String>,
        #[command(flatten)]
        msg: Message,
    },
    /// Adds a parent to a node.
    AddParent {
        key: String,
        parent: String,
        #[command(flatten)]
        msg: Message,
    },
    /// Removes a parent from a node.
    RemoveParent {
        key: String,
        parent: String,
        #[command(flatten)]
        msg: Message,
    },
    /// Replaces a node's parents (none: it becomes a root).
    Move {
        key: String,
        #[arg(long = "parent")]
        parents: Vec<String>,
        #[command(flatten)]
        msg: Message,
    },
    /// Deletes a node (refused while it has children, unless --cascade).
    Delete {
        key: String,
        #[arg(long)]
        cascade: bool,
        #[command(flatten)]
        msg: Message,
    },
    /// Merges FROM into INTO (children and labels move to INTO; FROM is removed).
    Merge {
        from: String,
        into: String,
        #[command(flatten)]
        msg: Message,
    },
    /// What changed from version A to version B.
    Diff { a: i64, b: i64 },
    /// Publishes a new version equal to an earlier one.
    Rollback {
        #[arg(long)]
        to: i64,
        /// Shows what would change, writes nothing.
        #[arg(long)]
        dry_run: bool,
        /// Confirms without asking (for scripts and runbooks).
        #[arg(long)]
        yes: bool,
        #[arg(short, long)]
        message: Option<String>,
    },
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("DTRAG_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let out = Out { json: cli.json };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli, &out)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            out.error(&e);
            std::process::ExitCode::FAILURE
        }
    }
}

fn author(cli_author: &Option<String>) -> String {
    cli_author
        .clone()
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("LOGNAME").ok())
        .filter(|a| !a.trim().is_empty())
        .unwrap_or_else(|| "unknown".into())
}

async fn run(cli: Cli, out: &Out) -> Result<()> {
    let target = Target::choose(cli.database_url.clone(), cli.data_dir.clone());
    let who = author(&cli.author);
    let meta = |message: Option<String>, default: String| PublishMeta {
        author: who.clone(),
        message: message.unwrap_or(default),
    };
    match cli.command {
        Command::Db(cmd) => run_db(cmd, &cli.database_url, cli.data_dir, out).await,
        Command::Audit {
            actor,
            action,
            limit,
        } => {
            let pool = open::open(&target, 2).await?;
            let mut conn = pool.acquire().await?;
            let filter = dtrag::audit::AuditFilter {
                actor,
                action,
                since: None,
                limit,
            };
            out.audit(&dtrag::audit::list(&mut conn, &filter).await?);
            Ok(())
        }
        Command::Bench(BenchCommand::Search {
            wordnet_dir,
            out: file,
        }) => {
            let pool = open::open(&target, 4).await?;
            let report = dtrag::bench::search::run(&pool, &wordnet_dir, &mut |line| {
                if !out.json {
                    eprintln!("{line}")
                }
            })
            .await?;
            dtrag::bench::write_section(&file, "search", &report.markdown())?;
            out.value(&report, || report.markdown());
            Ok(())
        }
        Command::Bench(BenchCommand::Taxonomy {
            wordnet_dir,
            out: file,
        }) => {
            let pool = open::open(&target, 4).await?;
            let report = dtrag::bench::taxonomy::run(&pool, &wordnet_dir, &mut |line| {
                if !out.json {
                    eprintln!("{line}")
                }
            })
            .await?;
            dtrag::bench::write_section(&file, "taxonomy", &report.markdown())?;
            out.value(&report, || report.markdown());
            Ok(())
        }
        Command::Docs(cmd) => {
            let pool = open::open(&target, 2).await?;
            let mut conn = pool.acquire().await?;
            match cmd {
                DocsCommand::Add {
                    paths,
                    chunk_size,
                    overlap,
                } => {
                    let inputs = dtrag::docs::read_inputs(&paths)?;
                    let settings = dtrag::docs::ChunkSettings {
                        size: chunk_size,
                        overlap,
                    };
                    let mut progress = output::IngestProgress::new(!out.json);
                    let report = dtrag::docs::add(&pool, &inputs, settings, &mut |done, total| {
                        progress.update(done, total)
                    })
                    .await;
                    progress.finish();
                    let report = report?;
                    out.value(&report, || {
                        format!(
                            "{} added, {} replaced, {} unchanged; {} chunks written",
                            report.added, report.replaced, report.unchanged, report.chunks_written
                        )
                    });
                }
                DocsCommand::List => {
                    let docs = dtrag::docs::list(&mut conn).await?;
                    out.value(&docs, || {
                        docs.iter()
                            .map(|d| {
                                format!(
                                    "{:>6}  {}  ({} chunks)  {}  [{}]",
                                    d.id,
                                    d.source_id,
                                    d.chunks,
                                    d.title,
                                    d.categories.join(", ")
                                )
                            })
                            .collect::<Vec<_>>()
                            .join("\n")
                    });
                }
                DocsCommand::Show { document } => {
                    let (doc, chunks) = dtrag::docs::show(&mut conn, &document).await?;
                    out.value(
                        &serde_json::json!({"document": doc, "chunks": chunks}),
                        || {
                            let mut s = format!("{}  [{}]\n", doc.title, doc.source_id);
                            for (i, c) in chunks.iter().enumerate() {
                                s += &format!("--- chunk {i}\n{c}\n");
                            }
                            s.trim_end().to_string()
                        },
                    );
                }
                DocsCommand::Remove { document } => {
                    dtrag::docs::remove(&pool, &document).await?;
                    out.value(&serde_json::json!({"removed": document}), || {
                        format!("removed {document}")
                    });
                }
            }
            Ok(())
        }
        Command::Search(args) => retrieval::search(&target, args, out).await,
        Command::Models(cmd) => retrieval::models(&target, cmd, out).await,
        Command::Embed(args) => retrieval::embed(&target, args, out).await,
        Command::Demo => {
            let pool = open::open(&target, 2).await?;
            let mut conn = pool.acquire().await?;
            if let Some(v) =
                import::import_sample_if_new(&pool, &meta(None, "sample taxonomy".into())).await?
            {
                out.value(&serde_json::json!({"imported_sample": v}), || {
                    format!("loaded the sample taxonomy as version {v}")
                });
            }
            let (v, lines) = read::tree(&mut conn, None, None, None).await?;
            out.tree(v, &lines);
            Ok(())
        }
        Command::Taxonomy(cmd) => run_taxonomy(cmd, &target, out, meta).await,
    }
}

async fn run_db(
    cmd: DbCommand,
    url: &Option<String>,
    data_dir: Option<PathBuf>,
    out: &Out,
) -> Result<()> {
    let cluster = EmbeddedCluster::new(data_dir.unwrap_or_else(default_data_dir));
    let external = url.clone().filter(|u| !u.trim().is_empty());
    match cmd {
        DbCommand::Start => {
            if external.is_some() {
                bail!(
                    "`db start` manages the embedded database; unset DATABASE_URL / --database-url"
                );
            }
            let url = cluster.start().await?;
            let pool = db::connect(&url, 2).await?;
            let steps = migrate::migrate(&pool, false).await?;
            out.value(
                &serde_json::json!({"url": url, "migrations_applied": steps}),
                || format!("embedded database running\n{url}"),
            );
        }
        DbCommand::Stop => {
            let stopped = cluster.stop().await?;
            out.value(&serde_json::json!({"stopped": stopped}), || {
                if stopped {
                    "stopped".into()
                } else {
                    "not running".into()
                }
            });
        }
        DbCommand::Status => {
            let s = cluster.status().await?;
            out.value(&s, || {
                format!(
                    "data dir: {}\ninitialized: {}\nrunning: {}\nurl: {}",
                    s.data_dir.display(),
                    s.initialized,
                    s.running,
                    s.url
                )
            });
        }
        DbCommand::Migrate { dry_run } => {
            let pool = connect_for_migrations(&external, &cluster).await?;
            let steps = migrate::migrate(&pool, dry_run).await?;
            out.migrations(&steps);
        }
        DbCommand::Revert { dry_run } => {
            let pool = connect_for_migrations(&external, &cluster).await?;
            let step = migrate::revert_one(&pool, dry_run).await?;
            out.migrations(step.as_slice());
        }
    }
    Ok(())
}

async fn connect_for_migrations(
    external: &Option<String>,
    cluster: &EmbeddedCluster,
) -> Result<sqlx::PgPool> {
    let url = match external {
        Some(u) => u.clone(),
        None => cluster.start().await?,
    };
    Ok(db::connect(&url, 2).await?)
}

async fn run_taxonomy(
    cmd: TaxonomyCommand,
    target: &Target,
    out: &Out,
    meta: impl Fn(Option<String>, String) -> PublishMeta,
) -> Result<()> {
    let pool = open::open(target, 4).await?;
    let mut conn = pool.acquire().await?;
    // Single-operation edits share one path: build the op, then publish it as a change set.
    let single = |op: EditOp, msg: Message| {
        let default = format!("{} via dtrag", op.name());
        (vec![op], msg.base, meta(msg.message, default))
    };
    let edit_request = match cmd {
        TaxonomyCommand::Import { file, message } => {
            let parsed = import::read_file(&file)?;
            let source = file.display().to_string();
            let p = import::import(
                &pool,
                parsed,
                &meta(message, format!("import {source}")),
                &source,
            )
            .await?;
            out.published("import", &p);
            return Ok(());
        }
        TaxonomyCommand::Export { version, output } => {
            let records = read::export(&mut conn, version).await?;
            output::write_jsonl(&records, output.as_deref())?;
            return Ok(());
        }
        TaxonomyCommand::Versions => {
            out.versions(&read::versions(&mut conn).await?);
            return Ok(());
        }
        TaxonomyCommand::Tree {
            version,
            under,
            depth,
        } => {
            let (v, lines) = read::tree(&mut conn, version, under.as_deref(), depth).await?;
            out.tree(v, &lines);
            return Ok(());
        }
        TaxonomyCommand::Show { key, version } => {
            out.details(&read::show(&mut conn, version, &key).await?);
            return Ok(());
        }
        TaxonomyCommand::Find {
            text,
            version,
            limit,
        } => {
            out.find(&read::find(&mut conn, version, &text, limit).await?);
            return Ok(());
        }
        TaxonomyCommand::Diff { a, b } => {
            out.diff(&diff::diff(&mut conn, a, b).await?);
            return Ok(());
        }
        TaxonomyCommand::Rollback {
            to,
            dry_run,
            yes,
            message,
        } => {
            let meta = meta(message, format!("rollback to version {to}"));
            if !dry_run && !yes {
                let preview = rollback::rollback(&pool, to, true, &meta).await?;
                out.diff(&preview.diff);
                if !std::io::stdin().is_terminal() {
                    bail!("refusing to roll back without confirmation: pass --yes (or --dry-run to preview)");
                }
                eprint!("Publish a new version equal to version {to}? [y/N] ");
                let mut answer = String::new();
                std::io::stdin()
                    .read_line(&mut answer)
                    .context("reading the answer")?;
                if !matches!(answer.trim(), "y" | "Y" | "yes") {
                    bail!("rollback cancelled");
                }
            }
            let outcome = rollback::rollback(&pool, to, dry_run, &meta).await?;
            out.rollback(&outcome);
            return Ok(());
        }
        TaxonomyCommand::Edit { ops, msg } => {
            let ops = edit::read_ops(&ops)?;
            let default = format!("{} operation(s) via dtrag", ops.len());
            (ops, msg.base, meta(msg.message, default))
        }
        TaxonomyCommand::Add {
            key,
            label,
            parents,
            description,
            alt_labels,
            msg,
        } => single(
            EditOp::Add {
                key,
                label,
                alt_labels,
                description,
                parents,
            },
            msg,
        ),
        TaxonomyCommand::Rename { key, label, msg } => single(EditOp::Rename { key, label }, msg),
        TaxonomyCommand::Describe {
            key,
            description,
            msg,
        } => single(EditOp::SetDescription { key, description }, msg),
        TaxonomyCommand::AltLabels { key, labels, msg } => single(
            EditOp::SetAltLabels {
                key,
                alt_labels: labels,
            },
            msg,
        ),
        TaxonomyCommand::AddParent { key, parent, msg } => {
            single(EditOp::AddParent { key, parent }, msg)
        }
        TaxonomyCommand::RemoveParent { key, parent, msg } => {
            single(EditOp::RemoveParent { key, parent }, msg)
        }
        TaxonomyCommand::Move { key, parents, msg } => single(EditOp::Move { key, parents }, msg),
        TaxonomyCommand::Delete { key, cascade, msg } => {
            single(EditOp::Delete { key, cascade }, msg)
        }
        TaxonomyCommand::Merge { from, into, msg } => single(EditOp::Merge { from, into }, msg),
    };
    let (ops, base, meta) = edit_request;
    let base = match base {
        Some(b) => b,
        None => read::head_version(&mut conn).await?,
    };
    let p = edit::apply(&pool, base, &ops, &meta).await?;
    out.published("edit", &p);
    Ok(())
}
