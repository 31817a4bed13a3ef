//! Benchmarks behind `dtrag bench …`: they print figures and write them to a Markdown file
//! (docs/benchmarks.md), each benchmark in its own marked section so others stay untouched.

pub mod classify;
pub mod load;
pub mod search;
pub mod skos;
pub mod taxonomy;

use std::path::Path;
use std::time::Duration;

use sqlx::{ConnectOptions, Connection, PgPool};

use dtrag_core::{Error, Result};

/// Percentiles of a set of timings, in milliseconds.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Latency {
    pub n: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub max_ms: f64,
}

impl Latency {
    /// "p50 … ms, p95 … ms, max … ms (n = …)" with `decimals` digits, for the Markdown reports.
    pub fn describe(&self, decimals: usize) -> String {
        format!(
            "p50 {:.d$} ms, p95 {:.d$} ms, max {:.d$} ms (n = {})",
            self.p50_ms,
            self.p95_ms,
            self.max_ms,
            self.n,
            d = decimals
        )
    }

    pub fn of(mut samples: Vec<Duration>) -> Self {
        samples.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        let pick = |q: f64| {
            if samples.is_empty() {
                0.0
            } else {
                let i = ((samples.len() as f64 * q).ceil() as usize).clamp(1, samples.len()) - 1;
                ms(samples[i])
            }
        };
        Latency {
            n: samples.len(),
            p50_ms: pick(0.50),
            p95_ms: pick(0.95),
            max_ms: samples.last().copied().map(ms).unwrap_or(0.0),
        }
    }
}

/// Replaces (or appends) the section between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`.
pub fn write_section(path: &Path, name: &str, body: &str) -> Result<()> {
    let start = format!("<!-- bench:{name} -->");
    let end = format!("<!-- /bench:{name} -->");
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => "# Benchmarks\n".to_string(),
        Err(e) => return Err(Error::io_path(path, e)),
    };
    let section = format!("{start}\n{}\n{end}", body.trim_end());
    let new = match (text.find(&start), text.find(&end)) {
        (Some(a), Some(b)) if b > a => {
            format!("{}{}{}", &text[..a], section, &text[b + end.len()..])
        }
        _ => format!("{}\n\n{}\n", text.trim_end(), section),
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io_path(dir, e))?;
    }
    std::fs::write(path, new).map_err(|e| Error::io_path(path, e))
}

/// Runs `f` on a pool of a scratch database created next to `pool`'s and dropped afterwards (also
/// when `f` fails), so a benchmark never touches the user's data.
pub async fn with_scratch_database<T, F, Fut>(pool: &PgPool, f: F) -> Result<T>
where
    F: FnOnce(PgPool) -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    let scratch = format!("dtrag_bench_{}", std::process::id());
    // The app's pools work as `dtrag_app` (a startup `-c role=`), which may not create databases
    // or run migrations: those run as the login. A later `-c role=none` wins over the earlier
    // one, as `SET ROLE NONE` would: the session works as its login.
    let app = pool.connect_options().as_ref().clone();
    let login = app.clone().options([("role", "none")]);
    let mut admin = login.connect().await?;
    sqlx::query(&format!("CREATE DATABASE {scratch}"))
        .execute(&mut admin)
        .await?;
    let result = async {
        let migrator = sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .connect_with(login.clone().database(&scratch))
            .await?;
        let migrated = dtrag_core::db::migrate::migrate(&migrator, false).await;
        migrator.close().await;
        migrated?;
        // The benchmark itself works as the app does.
        let bench_pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(4)
            .connect_with(app.database(&scratch))
            .await?;
        let out = f(bench_pool.clone()).await;
        bench_pool.close().await;
        out
    }
    .await;
    // DTRAG_BENCH_KEEP=1 keeps the scratch database for inspection (`psql -d dtrag_bench_PID`).
    if std::env::var_os("DTRAG_BENCH_KEEP").is_none() {
        sqlx::query(&format!("DROP DATABASE IF EXISTS {scratch} WITH (FORCE)"))
            .execute(&mut admin)
            .await?;
    }
    admin.close().await?;
    result
}

/// A transaction on `pool` working as the login (`SET LOCAL ROLE NONE`), for the benchmark's own
/// setup and bookkeeping that the app role may not do (temporary tables, other roles' sessions
/// in `pg_stat_activity`); the connection returns to the app role when it ends.
pub async fn login_transaction(
    pool: &PgPool,
) -> Result<sqlx::Transaction<'static, sqlx::Postgres>> {
    let mut tx = pool.begin().await?;
    sqlx::query("SET LOCAL ROLE NONE").execute(&mut *tx).await?;
    Ok(tx)
}

/// `ANALYZE` of the whole scratch database, as the login: run as the app role it skips every
/// table (none is its own since migration 0016) and only prints a warning per table.
pub async fn analyze(pool: &PgPool) -> Result<()> {
    let mut tx = login_transaction(pool).await?;
    sqlx::query("ANALYZE").execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

/// `VACUUM ANALYZE` of the whole scratch database after seeding, as the login: the app role
/// owns no table (migration 0016), so its VACUUM would skip them all, and VACUUM cannot run in
/// a function or a transaction, so it has no SECURITY DEFINER door either.
pub async fn vacuum_analyze(pool: &PgPool) -> Result<()> {
    let mut conn = pool.acquire().await?;
    sqlx::query("SET ROLE NONE").execute(&mut *conn).await?;
    let vacuumed = sqlx::query("VACUUM ANALYZE").execute(&mut *conn).await;
    sqlx::query("RESET ROLE").execute(&mut *conn).await?;
    vacuumed?;
    Ok(())
}

/// A tiny deterministic generator for picking sample nodes (same picks on every run).
pub struct Picker(u64);

impl Picker {
    pub fn new(seed: u64) -> Self {
        Picker(seed | 1)
    }
    pub fn below(&mut self, n: usize) -> usize {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1) as u64) as usize
    }
    /// A uniform draw from [0, 1).
    pub fn unit(&mut self) -> f64 {
        self.below(1 << 53) as f64 / (1u64 << 53) as f64
    }
    /// A standard normal draw (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u = 1.0 - self.unit();
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_draws_have_mean_0_and_variance_1() {
        let mut p = Picker::new(3);
        let xs: Vec<f64> = (0..100_000).map(|_| p.normal()).collect();
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / xs.len() as f64;
        assert!(
            mean.abs() < 0.02 && (var - 1.0).abs() < 0.03,
            "{mean} {var}"
        );
        assert!((0..1000).all(|_| (0.0..1.0).contains(&p.unit())));
    }

    #[test]
    fn latency_percentiles_and_description() {
        let l = Latency::of((1..=100).map(Duration::from_millis).collect());
        assert_eq!(
            (l.n, l.p50_ms, l.p95_ms, l.max_ms),
            (100, 50.0, 95.0, 100.0)
        );
        assert_eq!(
            l.describe(1),
            "p50 50.0 ms, p95 95.0 ms, max 100.0 ms (n = 100)"
        );
        assert_eq!(
            Latency::of(Vec::new()).describe(0),
            "p50 0 ms, p95 0 ms, max 0 ms (n = 0)"
        );
    }
}
