//! `dtrag db …`: the embedded cluster and migrations.

use std::path::PathBuf;

use clap::Subcommand;

use dtrag_api::{backup, database};

use crate::output::Progress;
use crate::Ctx;

#[derive(Subcommand)]
pub enum DbCommand {
    /// Starts (or reuses) the embedded cluster, applies migrations, prints the connection URL.
    Start,
    /// Stops the embedded cluster.
    Stop,
    /// Whether the embedded cluster is running, and where.
    Status,
    /// Applies pending migrations, backing the database up first (into the data directory's
    /// `backups/`).
    Migrate {
        /// Shows the SQL and runs it in a transaction that is rolled back.
        #[arg(long)]
        dry_run: bool,
        /// Migrates without taking a backup first.
        #[arg(long)]
        no_backup: bool,
    },
    /// Backs the database up (pg_dump custom format) into FILE (default: the data directory's
    /// `backups/`), with a manifest FILE.meta.json (app version, migration level, fingerprint).
    Backup { file: Option<PathBuf> },
    /// Restores a backup into the empty database (a new data directory) or, with `--into`, into a
    /// new database of that name; refused when the backup is newer than this build; verified
    /// against the backup's fingerprint.
    Restore {
        file: PathBuf,
        /// Creates this database on the same server and restores into it.
        #[arg(long)]
        into: Option<String>,
    },
    /// A fingerprint of the database's contents (every table's rows hashed in a fixed order):
    /// equal fingerprints, equal data.
    Fingerprint,
    /// The database's health: server and extension versions, sizes, whether each vector index
    /// fits in shared_buffers, connections in use, the slowest statements, dead rows and the
    /// last vacuum/analyze per table, the age of the last backup, and warnings naming the fix.
    Health {
        /// How many of the slowest statements to list (at most 100).
        #[arg(long, default_value_t = 10)]
        statements: u32,
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
                let notice = if started.recovered {
                    format!("{}\n", database::RECOVERED_NOTICE)
                } else {
                    String::new()
                };
                format!("{notice}embedded database running\n{}", started.url)
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
        DbCommand::Migrate { dry_run, no_backup } => {
            let mut progress = Progress::new(!out.json);
            let done = backup::migrate(&ctx.target, &ctx.config, dry_run, !no_backup, &mut |p| {
                progress.update(&p)
            })
            .await;
            progress.finish();
            let done = done?;
            if let (Some(b), false) = (&done.backup, out.json) {
                eprintln!("backed up first: {}", b.file.display());
            }
            out.migrations(&done.steps);
        }
        DbCommand::Backup { file } => {
            let mut progress = Progress::new(!out.json);
            let report =
                backup::backup(&ctx.target, &ctx.config, file, &mut |p| progress.update(&p)).await;
            progress.finish();
            let report = report?;
            out.value(&report, || {
                format!(
                    "backed up {} (migration {}, fingerprint {}) in {:.1} s\n{} ({} bytes)\n{}",
                    report.manifest.database,
                    report.manifest.migration_level,
                    report.manifest.fingerprint,
                    report.took_ms / 1e3,
                    report.file.display(),
                    report.bytes,
                    report.manifest_file.display()
                )
            });
        }
        DbCommand::Restore { file, into } => {
            let mut progress = Progress::new(!out.json);
            let report =
                backup::restore(&ctx.target, &ctx.config, &file, into.as_deref(), &mut |p| {
                    progress.update(&p)
                })
                .await;
            progress.finish();
            let report = report?;
            out.value(&report, || {
                let verified = match report.verified {
                    Some(true) => "fingerprint verified",
                    Some(false) => "FINGERPRINT DIFFERS",
                    None => "not verified (no manifest beside the backup)",
                };
                let roles = if report.roles_created.is_empty() {
                    String::new()
                } else {
                    format!(
                        "\n{} agent role(s) created without logins: issue credentials again",
                        report.roles_created.len()
                    )
                };
                format!(
                    "restored into {} (migration {}) in {:.1} s: {verified}{roles}",
                    report.database,
                    report.migration_level,
                    report.took_ms / 1e3
                )
            });
        }
        DbCommand::Fingerprint => {
            let h = ctx.open(2).await?;
            let fp = backup::fingerprint(&h).await?;
            out.value(&fp, || {
                let mut text = fp.digest.clone();
                for t in &fp.tables {
                    text.push_str(&format!("\n{:<28} {:>9} {}", t.table, t.rows, t.md5));
                }
                text
            });
        }
        DbCommand::Health { statements } => {
            let h = ctx.open(2).await?;
            let health = database::health(&h, Some(statements)).await?;
            out.value(&health, || crate::output::health::text(&health));
        }
        DbCommand::Revert { dry_run } => {
            let step = database::revert(&ctx.target, dry_run).await?;
            out.migrations(step.as_slice());
        }
    }
    Ok(())
}
