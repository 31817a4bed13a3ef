//! `dtrag db …`: the embedded cluster and migrations.

use clap::Subcommand;

use dtrag_api::database;

use crate::Ctx;

#[derive(Subcommand)]
pub enum DbCommand {
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

pub async fn run(cmd: DbCommand, ctx: &Ctx) -> anyhow::Result<()> {
    let out = &ctx.out;
    match cmd {
        DbCommand::Start => {
            database::refuse_url_for_cluster(&ctx.target)?;
            let started = database::start(&ctx.config).await?;
            out.value(&started, || {
                format!("embedded database running\n{}", started.url)
            });
        }
        DbCommand::Stop => {
            let stopped = database::stop(&ctx.config).await?;
            out.value(&serde_json::json!({"stopped": stopped}), || {
                if stopped {
                    "stopped".into()
                } else {
                    "not running".into()
                }
            });
        }
        DbCommand::Status => {
            let s = database::status(&ctx.config).await?;
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
            out.migrations(&database::migrate(&ctx.target, dry_run).await?);
        }
        DbCommand::Revert { dry_run } => {
            let step = database::revert(&ctx.target, dry_run).await?;
            out.migrations(step.as_slice());
        }
    }
    Ok(())
}
