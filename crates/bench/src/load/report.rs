//! The load benchmark's figures: per operation p50/p95/p99/max and errors, throughput, peak
//! connections, load averages, the integrity checks; and their Markdown section.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;

use super::check::Integrity;
use super::client::{Op, Sample};
use super::Options;

/// Read operations must stay at or under this p95 (issue 11).
pub const READ_P95_TARGET_MS: f64 = 100.0;

#[derive(Debug, Clone, Serialize)]
pub struct OpRow {
    pub op: Op,
    pub n: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub errors: usize,
    pub retried: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Run {
    pub clients: usize,
    pub seconds: u64,
    pub think_ms: u64,
    pub operations: usize,
    pub ops_per_s: f64,
    pub errors: usize,
    /// The first few distinct error messages.
    pub error_examples: Vec<String>,
    pub peak_connections: i64,
    pub load_before: Option<f64>,
    pub load_end: Option<f64>,
    pub rows: Vec<OpRow>,
    pub integrity: Integrity,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub seed_s: f64,
    pub nodes: usize,
    pub documents: usize,
    pub open_items: i64,
    pub max_connections: i64,
    pub client_connections: u32,
    pub cores: usize,
    pub runs: Vec<Run>,
}

fn pick(sorted: &[Duration], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1e3
}

impl Run {
    pub fn of(
        clients: usize,
        opts: &Options,
        samples: Vec<Sample>,
        peak_connections: i64,
        (load_before, load_end): (Option<f64>, Option<f64>),
        integrity: Integrity,
    ) -> Run {
        let mut by_op: BTreeMap<Op, Vec<&Sample>> = BTreeMap::new();
        for s in &samples {
            by_op.entry(s.op).or_default().push(s);
        }
        let rows = by_op
            .into_iter()
            .map(|(op, ss)| {
                let mut t: Vec<Duration> = ss.iter().map(|s| s.took).collect();
                t.sort();
                OpRow {
                    op,
                    n: ss.len(),
                    p50_ms: pick(&t, 0.50),
                    p95_ms: pick(&t, 0.95),
                    p99_ms: pick(&t, 0.99),
                    max_ms: t.last().map(|d| d.as_secs_f64() * 1e3).unwrap_or(0.0),
                    errors: ss.iter().filter(|s| s.error.is_some()).count(),
                    retried: ss.iter().filter(|s| s.retried).count(),
                }
            })
            .collect();
        let mut error_examples: Vec<String> = Vec::new();
        for (kind, msg) in samples.iter().filter_map(|s| s.error.as_ref()) {
            let m = format!("{kind}: {msg}");
            if error_examples.len() < 5 && !error_examples.contains(&m) {
                error_examples.push(m);
            }
        }
        Run {
            clients,
            seconds: opts.seconds,
            think_ms: opts.think_ms,
            operations: samples.len(),
            ops_per_s: samples.len() as f64 / opts.seconds.max(1) as f64,
            errors: samples.iter().filter(|s| s.error.is_some()).count(),
            error_examples,
            peak_connections,
            load_before,
            load_end,
            rows,
            integrity,
        }
    }

    /// Every read's p95 within the target and no errors.
    pub fn met(&self) -> bool {
        self.errors == 0
            && self
                .rows
                .iter()
                .all(|r| !r.op.is_read() || r.p95_ms <= READ_P95_TARGET_MS)
    }

    pub fn summary(&self) -> String {
        let worst = self
            .rows
            .iter()
            .filter(|r| r.op.is_read())
            .map(|r| r.p95_ms)
            .fold(0.0, f64::max);
        format!(
            "load: {} clients: {} operations ({:.0}/s), {} errors, worst read p95 {:.1} ms, peak {} connections, integrity {}",
            self.clients,
            self.operations,
            self.ops_per_s,
            self.errors,
            worst,
            self.peak_connections,
            if self.integrity.ok { "ok" } else { "FAILED" }
        )
    }
}

fn load(l: Option<f64>) -> String {
    l.map(|l| format!("{l:.2}")).unwrap_or_else(|| "?".into())
}

impl Report {
    pub fn markdown(&self) -> String {
        let mut s = format!(
            "## Load (concurrent clients)\n\n\
             `dtrag bench load`: WordNet 3.0 nouns ({} nodes) plus one-node publishes, the first {} \
             WordNet glosses with MiniLM vectors and an HNSW index, an agent over five subtrees, {} \
             open review items; seeded in {:.0} s into a scratch database. Each client has its own \
             pool of {} connections and its own author, and loops over the mix below through the \
             `dtrag_api` functions the CLI calls, with an exponential think time between \
             operations. The server: the embedded cluster, max_connections = {}, on {} cores. \
             Target: p95 ≤ {READ_P95_TARGET_MS:.0} ms per read operation, 0 errors. Written by \
             the benchmark itself.\n\n\
             Mix (per mille): {}.\n",
            self.nodes,
            self.documents,
            self.open_items,
            self.seed_s,
            self.client_connections,
            self.max_connections,
            self.cores,
            Op::MIX
                .iter()
                .map(|(op, w)| format!("{} {w}", op.describe()))
                .collect::<Vec<_>>()
                .join(", "),
        );
        for r in &self.runs {
            s += &format!(
                "\n### {} clients, {} s, think time {} ms\n\n\
                 {} operations, {:.1}/s; {} errors; peak {} client connections on the server; \
                 load average {} before, {} at the end. Versions dense: {}; versions added {} = \
                 publishes {}; versions without their audit entry: {}; decisions {} with {} audit \
                 entries. {}\n\n\
                 | operation | n | p50 ms | p95 ms | p99 ms | max ms | errors | retried after a conflict |\n\
                 |---|---|---|---|---|---|---|---|\n",
                r.clients,
                r.seconds,
                r.think_ms,
                r.operations,
                r.ops_per_s,
                r.errors,
                r.peak_connections,
                load(r.load_before),
                load(r.load_end),
                r.integrity.versions_dense,
                r.integrity.versions_added,
                r.integrity.publishes_ok,
                r.integrity.versions_unaudited,
                r.integrity.decisions_added,
                r.integrity.decision_entries_added,
                if r.met() {
                    "Target met."
                } else {
                    "Target missed."
                }
            );
            for row in &r.rows {
                s += &format!(
                    "| {} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {} | {} |\n",
                    row.op.describe(),
                    row.n,
                    row.p50_ms,
                    row.p95_ms,
                    row.p99_ms,
                    row.max_ms,
                    row.errors,
                    row.retried
                );
            }
            for e in &r.error_examples {
                s += &format!("\nError seen: `{}`\n", e.replace('`', "'"));
            }
        }
        s
    }
}
