//! `dtrag bench load`: N concurrent clients, each on connections of its own, against a scratch
//! database next to the configured one, with a realistic mix of reads and writes through the
//! `dtrag_api` functions the CLI calls ([`client`]); then the integrity checks ([`check`]): the
//! versions are dense and every publish and decision has its audit entry.

mod check;
pub mod client;
mod report;
mod seed;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::PgPool;

use dtrag_api::Handle;
use dtrag_core::db::{busy, sizing};
use dtrag_core::{Error, Result};
use dtrag_embed::local::LocalMiniLm;
use dtrag_embed::Embedder;

pub use report::{OpRow, Report, Run};

/// Connections per client: what the CLI's read commands open (a search may use two at once).
pub const CLIENT_CONNECTIONS: u32 = 2;

#[derive(Debug, Clone, serde::Serialize)]
pub struct Options {
    /// Client counts, one run each (in order, on the same seeded database).
    pub clients: Vec<usize>,
    pub seconds: u64,
    /// Mean think time between a client's operations (0: back to back).
    pub think_ms: u64,
}

pub async fn run(
    h: &Handle,
    wordnet_dir: &Path,
    opts: &Options,
    progress: &mut dyn FnMut(String),
) -> Result<Report> {
    let embedder: Arc<dyn Embedder> = Arc::new(LocalMiniLm::load_from(&h.config().models_dir)?);
    let h = h.clone();
    crate::with_scratch_database(&h.pool().clone(), |scratch| async move {
        let t = Instant::now();
        let seeded = Arc::new(seed::seed(&scratch, wordnet_dir, &embedder, progress).await?);
        let seed_s = t.elapsed().as_secs_f64();
        progress(format!(
            "load: seeded in {seed_s:.0} s ({} nodes, {} open review items)",
            seeded.keys.len(),
            seeded.open_items
        ));
        let max_connections: i64 =
            sqlx::query_scalar("SELECT current_setting('max_connections')::bigint")
                .fetch_one(&scratch)
                .await?;
        let mut runs = Vec::new();
        for &n in &opts.clients {
            let before = check::Counts::read(&scratch).await?;
            progress(format!("load: {n} clients for {} s", opts.seconds));
            let (samples, peak, load) = drive(&h, &scratch, &seeded, n, opts).await?;
            let after = check::Counts::read(&scratch).await?;
            let integrity = check::check(&scratch, &before, &after, &samples).await?;
            let run = Run::of(n, opts, samples, peak, load, integrity);
            progress(run.summary());
            runs.push(run);
        }
        Ok(Report {
            seed_s,
            nodes: seeded.keys.len(),
            documents: seed::DOCUMENTS,
            open_items: seeded.open_items,
            max_connections,
            client_connections: CLIENT_CONNECTIONS,
            cores: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(0),
            runs,
        })
    })
    .await
}

/// The 1-minute load average (Linux), for the report.
fn loadavg() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Opens `n` clients' pools, runs them for the configured time, and samples the server's
/// connection count each second; returns every sample, the peak connections and the load
/// averages (before, at the end).
async fn drive(
    h: &Handle,
    scratch: &PgPool,
    seeded: &Arc<seed::Seeded>,
    n: usize,
    opts: &Options,
) -> Result<(Vec<client::Sample>, i64, (Option<f64>, Option<f64>))> {
    let load_before = loadavg();
    let options = scratch.connect_options().as_ref().clone();
    let mut handles = Vec::with_capacity(n);
    for id in 0..n {
        let pool =
            busy::open_pool(options.clone(), CLIENT_CONNECTIONS, sizing::CONNECT_WAIT).await?;
        let config = h.config().clone().with_author(Some(format!("load-{id}")));
        handles.push(h.with_pool(pool, config));
    }
    let until = Instant::now() + Duration::from_secs(opts.seconds);
    let mut tasks = Vec::with_capacity(n);
    for (id, handle) in handles.iter().enumerate() {
        let c = client::Client {
            id,
            run: n,
            handle: handle.clone(),
            seeded: Arc::clone(seeded),
            think: Duration::from_millis(opts.think_ms),
        };
        tasks.push(tokio::spawn(c.run(until)));
    }
    let mut peak = 0i64;
    while Instant::now() < until {
        tokio::time::sleep(Duration::from_secs(1)).await;
        // As the login: the app role sees other roles' sessions without their backend_type.
        let mut tx = crate::login_transaction(scratch).await?;
        let now: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'",
        )
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        peak = peak.max(now);
    }
    let load_end = loadavg();
    let mut samples = Vec::new();
    for t in tasks {
        samples.extend(
            t.await
                .map_err(|e| Error::Internal(format!("a load client panicked: {e}")))?,
        );
    }
    for handle in handles {
        handle.pool().close().await;
    }
    Ok((samples, peak, (load_before, load_end)))
}
