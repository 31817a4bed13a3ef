//! Logs: `tracing` to a daily-rotated file in the app's data directory (7 files kept), plus stderr.
//! Every command runs in a span (`#[tracing::instrument]` in commands.rs), so a log line says
//! which command it belongs to and with what arguments.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{Builder, Rotation};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::EnvFilter;

/// Starts logging; keep the guard alive for the life of the app (it flushes on drop).
pub fn init(log_dir: &Path) -> Option<WorkerGuard> {
    // sqlx's "slow statement" notices are left out: a bulk import is slow on purpose.
    let filter = EnvFilter::try_from_env("DTRAG_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx::query=error"));
    // The appender prunes old files by listing the directory: it must exist before the first line.
    let appender = std::fs::create_dir_all(log_dir)
        .map_err(|e| e.to_string())
        .and_then(|()| {
            Builder::new()
                .rotation(Rotation::DAILY)
                .max_log_files(7)
                .filename_prefix("dtrag-studio")
                .filename_suffix("log")
                .build(log_dir)
                .map_err(|e| e.to_string())
        });
    let (file_layer, guard) = match appender {
        Ok(a) => {
            let (writer, guard) = tracing_appender::non_blocking(a);
            (
                Some(
                    tracing_subscriber::fmt::layer()
                        .with_ansi(false)
                        .with_writer(writer),
                ),
                Some(guard),
            )
        }
        Err(e) => {
            eprintln!("warning: no log file in {}: {e}", log_dir.display());
            (None, None)
        }
    };
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(file_layer)
        .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr))
        .try_init();
    guard
}
