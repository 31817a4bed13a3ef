//! `dtrag bench taxonomy`: the versioned taxonomy on the WordNet noun hierarchy (82k nodes, 84k
//! edges), in releases 3.0 and 3.1. Runs in a scratch database created on the same server and
//! dropped afterwards, so the user's taxonomy is never touched.

use std::path::Path;
use std::time::{Duration, Instant};

use serde::Serialize;
use sqlx::PgPool;

use super::{Latency, Picker};
use dtrag_core::taxonomy::edit::{self, EditOp};
use dtrag_core::taxonomy::model::PublishMeta;
use dtrag_core::taxonomy::{diff, import, read, rollback};
use dtrag_core::{Error, Result};

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub nodes_30: usize,
    pub nodes_31: usize,
    pub parse_ms: f64,
    pub import_30_ms: f64,
    pub import_31_ms: f64,
    pub children_head: Latency,
    pub children_old_version: Latency,
    pub paths_to_root: Latency,
    pub diff_ms: f64,
    pub diff_summary: diff::Summary,
    pub rollback_ms: f64,
    pub rollback_export_matches: bool,
    pub one_node_edit: Latency,
    pub rows_before_edits: i64,
    pub rows_after_100_edits: i64,
}

impl Report {
    pub fn markdown(&self) -> String {
        let lat = |l: &Latency| l.describe(2);
        let ok = |met: bool| if met { "met" } else { "**missed**" };
        let s = &self.diff_summary;
        format!(
            "## Taxonomy (WordNet nouns 3.0 -> 3.1)\n\n\
             `dtrag bench taxonomy`, {} / {} nodes. Written by the benchmark itself.\n\n\
             | measure | figure | target | |\n|---|---|---|---|\n\
             | parse + check both files (in memory) | {:.0} ms | | |\n\
             | import 3.0 into an empty taxonomy | {:.0} ms | ≤ 10 s | {} |\n\
             | import 3.1 over 3.0 (publishes only the differences) | {:.0} ms | ≤ 10 s | {} |\n\
             | children of a node, head | {} | p95 ≤ 5 ms | {} |\n\
             | children of a node, an older version | {} | p95 ≤ 5 ms | {} |\n\
             | paths to root | {} | p95 ≤ 5 ms | {} |\n\
             | diff 3.0 -> 3.1 ({} added, {} removed, {} renamed, {} moved, {} edited) | {:.0} ms | ≤ 300 ms | {} |\n\
             | rollback 3.1 -> 3.0 (export equals the 3.0 file: {}) | {:.0} ms | ≤ 1 s | {} |\n\
             | publish a one-node edit | {} | ≤ 50 ms | {} |\n\
             | taxonomy rows (node_state + edge) after 100 one-node edits | {} -> {} (+{}) | a few hundred | {} |\n",
            self.nodes_30, self.nodes_31,
            self.parse_ms,
            self.import_30_ms, ok(self.import_30_ms <= 10_000.0),
            self.import_31_ms, ok(self.import_31_ms <= 10_000.0),
            lat(&self.children_head), ok(self.children_head.p95_ms <= 5.0),
            lat(&self.children_old_version), ok(self.children_old_version.p95_ms <= 5.0),
            lat(&self.paths_to_root), ok(self.paths_to_root.p95_ms <= 5.0),
            s.added, s.removed, s.renamed, s.moved, s.edited, self.diff_ms, ok(self.diff_ms <= 300.0),
            self.rollback_export_matches, self.rollback_ms, ok(self.rollback_ms <= 1000.0 && self.rollback_export_matches),
            lat(&self.one_node_edit), ok(self.one_node_edit.p95_ms <= 50.0),
            self.rows_before_edits, self.rows_after_100_edits,
            self.rows_after_100_edits - self.rows_before_edits,
            ok(self.rows_after_100_edits - self.rows_before_edits <= 500),
        )
    }
}

async fn taxonomy_rows(pool: &PgPool) -> Result<i64> {
    Ok(
        sqlx::query_scalar(
            "SELECT (SELECT count(*) FROM node_state) + (SELECT count(*) FROM edge)",
        )
        .fetch_one(pool)
        .await?,
    )
}

/// Runs the benchmark in a scratch database next to `pool`'s. `progress` receives one line per step.
pub async fn run(
    pool: &PgPool,
    wordnet_dir: &Path,
    progress: &mut dyn FnMut(String),
) -> Result<Report> {
    let f30 = wordnet_dir.join("wordnet-3.0-nouns.jsonl");
    let f31 = wordnet_dir.join("wordnet-3.1-nouns.jsonl");
    for f in [&f30, &f31] {
        if !f.exists() {
            return Err(Error::Invalid(format!(
                "{} is missing: run scripts/fetch-wordnet.sh first",
                f.display()
            )));
        }
    }
    super::with_scratch_database(pool, |scratch| async move {
        run_in(&scratch, &f30, &f31, progress).await
    })
    .await
}

async fn run_in(
    pool: &PgPool,
    f30: &Path,
    f31: &Path,
    progress: &mut dyn FnMut(String),
) -> Result<Report> {
    let meta = |m: &str| PublishMeta {
        author: "bench".into(),
        message: m.into(),
    };

    let t = Instant::now();
    let wn30 = import::read_file(f30)?;
    let wn31 = import::read_file(f31)?;
    let parse_ms = ms(t.elapsed());
    let (nodes_30, nodes_31) = (wn30.len(), wn31.len());
    let keys30: Vec<String> = wn30.nodes.keys().cloned().collect();
    let export30 = wn30.clone().into_records();
    progress(format!("parsed both releases in {parse_ms:.0} ms"));

    let t = Instant::now();
    let v1 = import::import(pool, wn30, &meta("WordNet 3.0"), "wordnet-3.0").await?;
    let import_30_ms = ms(t.elapsed());
    progress(format!("import 3.0: {import_30_ms:.0} ms"));
    crate::analyze(pool).await?;
    let v1 = v1.version.unwrap_or(0);

    // Read latencies on nodes that have children, picked deterministically.
    let mut conn = pool.acquire().await?;
    let parents: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT n.key FROM edge e JOIN node n ON n.id = e.parent_id WHERE upper_inf(e.valid) ORDER BY 1",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut pick = Picker::new(42);
    let sample_parents: Vec<String> = (0..1000)
        .map(|_| parents[pick.below(parents.len())].clone())
        .collect();
    let sample_nodes: Vec<String> = (0..1000)
        .map(|_| keys30[pick.below(keys30.len())].clone())
        .collect();
    let mut samples = Vec::new();
    for k in &sample_parents {
        let t = Instant::now();
        read::children(&mut conn, read::At::head(v1), k).await?;
        samples.push(t.elapsed());
    }
    let children_head = Latency::of(samples);
    let mut samples = Vec::new();
    for k in &sample_nodes {
        let t = Instant::now();
        read::paths_to_root(&mut conn, read::At::head(v1), k, 1000).await?;
        samples.push(t.elapsed());
    }
    let paths_to_root = Latency::of(samples);
    progress(format!(
        "children p95 {:.2} ms, paths p95 {:.2} ms",
        children_head.p95_ms, paths_to_root.p95_ms
    ));
    drop(conn);

    let t = Instant::now();
    let v2 = import::import(pool, wn31, &meta("WordNet 3.1"), "wordnet-3.1").await?;
    let import_31_ms = ms(t.elapsed());
    let v2 = v2.version.unwrap_or(v1);
    progress(format!("import 3.1: {import_31_ms:.0} ms"));
    crate::analyze(pool).await?;

    let mut conn = pool.acquire().await?;
    let mut samples = Vec::new();
    for k in &sample_parents {
        let t = Instant::now();
        read::children(
            &mut conn,
            read::At {
                version: v1,
                head: v2,
            },
            k,
        )
        .await?;
        samples.push(t.elapsed());
    }
    let children_old_version = Latency::of(samples);

    let mut best = Duration::MAX;
    let mut diff_summary = diff::Summary::default();
    for _ in 0..5 {
        let t = Instant::now();
        let d = diff::diff(&mut conn, v1, v2).await?;
        best = best.min(t.elapsed());
        diff_summary = d.summary;
    }
    let diff_ms = ms(best);
    progress(format!("diff: {diff_ms:.0} ms ({diff_summary:?})"));
    drop(conn);

    let t = Instant::now();
    rollback::rollback(pool, v1, false, &meta("back to 3.0")).await?;
    let rollback_ms = ms(t.elapsed());
    let mut conn = pool.acquire().await?;
    let rollback_export_matches = read::export(&mut conn, None).await? == export30;
    progress(format!(
        "rollback: {rollback_ms:.0} ms, export equals 3.0: {rollback_export_matches}"
    ));

    let rows_before_edits = taxonomy_rows(pool).await?;
    let mut samples = Vec::new();
    for i in 0..100 {
        let key = &keys30[pick.below(keys30.len())];
        let head = read::head_version(&mut conn).await?;
        let op = EditOp::SetDescription {
            key: key.clone(),
            description: format!("benchmark edit {i}"),
        };
        let t = Instant::now();
        edit::apply(pool, head, &[op], &meta("one-node edit")).await?;
        samples.push(t.elapsed());
    }
    let one_node_edit = Latency::of(samples);
    let rows_after_100_edits = taxonomy_rows(pool).await?;
    progress(format!("one-node edit p95 {:.2} ms", one_node_edit.p95_ms));
    conn.close().await?;

    Ok(Report {
        nodes_30,
        nodes_31,
        parse_ms,
        import_30_ms,
        import_31_ms,
        children_head,
        children_old_version,
        paths_to_root,
        diff_ms,
        diff_summary,
        rollback_ms,
        rollback_export_matches,
        one_node_edit,
        rows_before_edits,
        rows_after_100_edits,
    })
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
