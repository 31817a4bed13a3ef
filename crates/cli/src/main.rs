//! `dtrag`: the command-line face of DT-RAG Studio. It parses arguments, calls `dtrag-api`, and
//! prints the result (text for people, `--json` for scripts). No domain logic lives here.

mod commands;
mod output;

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use dtrag_api::{Config, Handle};
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
    Db(commands::db::DbCommand),
    /// The versioned taxonomy.
    #[command(subcommand)]
    Taxonomy(commands::taxonomy::TaxonomyCommand),
    /// Documents: ingest (and embed), list, show, remove.
    #[command(subcommand)]
    Docs(commands::documents::DocsCommand),
    /// Search document chunks: hybrid (BM25 + vector, fused), BM25 or vector, optionally limited
    /// to categories.
    Search(commands::search::SearchArgs),
    /// Retrieval quality on golden sets: recall, MRR, nDCG and latency per mode; versions
    /// compared; the hybrid fusion tuned.
    #[command(subcommand)]
    Eval(commands::eval::EvalCommand),
    /// Agents: retrieval limited to categories, enforced by PostgreSQL's row-level security.
    #[command(subcommand)]
    Agents(commands::agents::AgentsCommand),
    /// Answers a question as an agent: its retrieval, a chat endpoint, numbered citations.
    Ask(commands::ask::AskArgs),
    /// Chat endpoints for answers: add, list, remove, key.
    #[command(subcommand)]
    Llm(commands::ask::LlmCommand),
    /// Embedding models: list, add, default, remove, index, key.
    #[command(subcommand)]
    Models(commands::models::ModelsCommand),
    /// Embeds the chunks that have no vector yet (a resumable job), then builds the HNSW index.
    Embed(commands::models::EmbedArgs),
    /// The append-only audit log, newest first.
    Audit(commands::audit::AuditArgs),
    /// Suggest categories for documents; auto-accept the confident ones, queue the rest.
    Classify(commands::review::ClassifyArgs),
    /// The human review (HITL) queue.
    #[command(subcommand)]
    Review(commands::review::ReviewCommand),
    #[command(subcommand)]
    Classifications(commands::review::ClassificationsCommand),
    /// Benchmarks that print figures and write them to docs/benchmarks.md.
    #[command(subcommand)]
    Bench(commands::bench::BenchCommand),
    /// Opens the database (a new embedded one gets the sample taxonomy and documents) and prints
    /// the tree.
    Demo,
}

/// What every command is given: the configuration, where the database is, and how to print.
pub struct Ctx {
    pub config: Config,
    pub target: dtrag_api::Target,
    pub out: Out,
}

impl Ctx {
    /// Opens the database with up to `connections` connections.
    pub async fn open(&self, connections: u32) -> anyhow::Result<Handle> {
        let (handle, sample) = Handle::open(&self.target, self.config.clone(), connections).await?;
        if handle.recovered_cluster() {
            eprintln!("{}", dtrag_api::database::RECOVERED_NOTICE);
        }
        if let Some(s) = sample {
            if !self.out.json {
                eprintln!(
                    "new database: loaded the sample taxonomy and {} sample documents ({} chunks embedded, {} sent to review){}",
                    s.documents,
                    s.embedded,
                    s.queued,
                    s.notice.map(|n| format!("; {n}")).unwrap_or_default()
                );
            }
        }
        Ok(handle)
    }
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    init_logging();
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
    let exe = std::env::current_exe().ok();
    let mut config = Config::from_environment(|k| std::env::var(k).ok(), exe.as_deref())
        .with_author(cli.author.clone());
    if let Some(dir) = cli.data_dir.clone() {
        config.data_dir = dir;
    }
    let target = dtrag_api::database::target(cli.database_url.clone(), None, &config);
    let ctx = Ctx {
        config,
        target,
        out,
    };
    match runtime.block_on(run(cli.command, &ctx)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            ctx.out.error(&e);
            std::process::ExitCode::FAILURE
        }
    }
}

/// Warnings and errors on stderr (`DTRAG_LOG` to change), coloured only on a terminal. sqlx's
/// "slow statement" notices are left out: a bulk import is slow on purpose.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("DTRAG_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,sqlx::query=error"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .init();
}

async fn run(command: Command, ctx: &Ctx) -> anyhow::Result<()> {
    match command {
        Command::Db(cmd) => commands::db::run(cmd, ctx).await,
        Command::Taxonomy(cmd) => commands::taxonomy::run(cmd, ctx).await,
        Command::Docs(cmd) => commands::documents::run(cmd, ctx).await,
        Command::Search(args) => commands::search::run(args, ctx).await,
        Command::Eval(cmd) => commands::eval::run(cmd, ctx).await,
        Command::Agents(cmd) => commands::agents::run(cmd, ctx).await,
        Command::Ask(args) => commands::ask::ask(args, ctx).await,
        Command::Llm(cmd) => commands::ask::llm(cmd, ctx).await,
        Command::Models(cmd) => commands::models::run(cmd, ctx).await,
        Command::Embed(args) => commands::models::embed(args, ctx).await,
        Command::Audit(args) => commands::audit::run(args, ctx).await,
        Command::Classify(args) => commands::review::classify(args, ctx).await,
        Command::Review(cmd) => commands::review::review(cmd, ctx).await,
        Command::Classifications(cmd) => commands::review::classifications(cmd, ctx).await,
        Command::Bench(cmd) => commands::bench::run(cmd, ctx).await,
        Command::Demo => commands::taxonomy::demo(ctx).await,
    }
}
