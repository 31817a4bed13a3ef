//! Running a golden set through the real search path, per mode, and comparing two versions.

use std::sync::Arc;
use std::time::Instant;

use sqlx::PgPool;

use super::{golden, metrics, Comparison, EvalOptions, EvalReport, GoldenQuery};
use super::{ModeReport, QueryChange};
use crate::agents::search::AgentSearch;
use crate::error::{Error, Result};
use crate::limits;
use crate::models::EmbedderSource;
use crate::search::{self, Mode, SearchRequest, SearchResult};
use crate::taxonomy::read::At;

/// The modes a run covers: the asked ones (deduplicated, in order) or all three.
fn modes(asked: &[Mode]) -> Vec<Mode> {
    if asked.is_empty() {
        return vec![Mode::Hybrid, Mode::Bm25, Mode::Vector];
    }
    let mut out = Vec::new();
    for m in asked {
        if !out.contains(m) {
            out.push(*m);
        }
    }
    out
}

/// Checks what a run needs before searching (k, the version, the agent, the documents) and
/// returns the version the run is at.
pub(crate) async fn check(
    pool: &PgPool,
    queries: &[GoldenQuery],
    opts: &EvalOptions,
    name: &str,
) -> Result<i64> {
    let range = limits::SEARCH_K;
    if !range.contains(&opts.k) {
        return Err(Error::Invalid(format!(
            "k must be {}..={}, not {}",
            range.start(),
            range.end(),
            opts.k
        )));
    }
    let mut conn = pool.acquire().await?;
    let version = match &opts.agent {
        Some(agent) => {
            if opts.fusion.is_some() {
                return Err(Error::Invalid(
                    "an agent fuses as its settings say; leave out the fusion".into(),
                ));
            }
            if opts.version.is_some() {
                return Err(Error::Invalid(
                    "an agent searches at its own version (pin it with `dtrag agents update \
                     --pin`); leave out the version"
                        .into(),
                ));
            }
            let a = crate::agents::store::definition(pool, agent).await?;
            At::resolve(&mut conn, a.pinned_version).await?.version
        }
        None => At::resolve(&mut conn, opts.version).await?.version,
    };
    golden::check_documents(&mut conn, queries, name).await?;
    Ok(version)
}

/// One search of a run, as the owner at `version` or as the agent.
async fn search_one(
    pool: &PgPool,
    q: &GoldenQuery,
    mode: Mode,
    opts: &EvalOptions,
    version: i64,
    embedders: Arc<dyn EmbedderSource>,
) -> Result<SearchResult> {
    match &opts.agent {
        Some(agent) => {
            let s = AgentSearch {
                agent: agent.clone(),
                query: q.query.clone(),
                mode: Some(mode),
                k: Some(opts.k),
                under: q.under.clone(),
                exact: false,
            };
            crate::agents::search::run(pool, &s, embedders).await
        }
        None => {
            let req = SearchRequest {
                query: q.query.clone(),
                mode,
                k: opts.k,
                under: q.under.clone(),
                version: Some(version),
                fusion: opts.fusion,
                ..SearchRequest::default()
            };
            search::run(pool, &req, embedders).await
        }
    }
}

/// Runs `queries` per mode; `name` is the set's name (or file) for messages and the report.
/// Nothing is written.
pub async fn run(
    pool: &PgPool,
    queries: &[GoldenQuery],
    opts: &EvalOptions,
    name: &str,
    embedders: Arc<dyn EmbedderSource>,
) -> Result<EvalReport> {
    let version = check(pool, queries, opts, name).await?;
    let mut reports = Vec::new();
    let mut model = None;
    for mode in modes(&opts.modes) {
        let mut scores = Vec::with_capacity(queries.len());
        let mut times = Vec::with_capacity(queries.len());
        let (mut fusion, mut tuned, mut notice) = (None, false, None);
        for (i, q) in queries.iter().enumerate() {
            let t = Instant::now();
            let r = search_one(pool, q, mode, opts, version, Arc::clone(&embedders))
                .await
                .map_err(|e| match e {
                    Error::Invalid(m) => {
                        Error::bad_input(std::path::Path::new(name), q.line_or(i), m)
                    }
                    other => other,
                })?;
            times.push(t.elapsed().as_secs_f64() * 1e3);
            let docs: Vec<String> = r.hits.iter().map(|h| h.document.clone()).collect();
            scores.push(metrics::score(&docs, &q.relevant, opts.k));
            if let Some(f) = r.fusion {
                fusion = Some(f.fusion);
                tuned = f.tuned;
            }
            if r.mode != mode {
                notice = r.notice.clone();
            }
            if model.is_none() {
                model = r.model.clone();
            }
        }
        let mean = metrics::mean(&scores);
        reports.push(ModeReport {
            mode,
            recall: mean.recall,
            mrr: mean.reciprocal_rank,
            ndcg: mean.ndcg,
            p50_ms: metrics::quantile(&times, 0.5),
            p95_ms: metrics::quantile(&times, 0.95),
            fusion,
            tuned,
            notice,
            per_query: scores,
        });
    }
    Ok(EvalReport {
        set: None,
        queries: queries.len(),
        k: opts.k,
        version,
        agent: opts.agent.clone(),
        model,
        modes: reports,
        run_at: chrono::Utc::now(),
    })
}

/// The set at versions `a` and `b` (as the owner), and the queries whose nDCG moved.
pub async fn compare(
    pool: &PgPool,
    queries: &[GoldenQuery],
    opts: &EvalOptions,
    (a, b): (i64, i64),
    name: &str,
    embedders: Arc<dyn EmbedderSource>,
) -> Result<Comparison> {
    if opts.agent.is_some() {
        return Err(Error::Invalid(
            "a comparison runs as the owner at two versions; leave out the agent".into(),
        ));
    }
    let at = |v: i64| EvalOptions {
        version: Some(v),
        ..opts.clone()
    };
    // Both versions are checked before either runs.
    check(pool, queries, &at(a), name).await?;
    check(pool, queries, &at(b), name).await?;
    let ra = run(pool, queries, &at(a), name, Arc::clone(&embedders)).await?;
    let rb = run(pool, queries, &at(b), name, embedders).await?;
    let mut changed = Vec::new();
    for (ma, mb) in ra.modes.iter().zip(&rb.modes) {
        for ((q, sa), sb) in queries.iter().zip(&ma.per_query).zip(&mb.per_query) {
            if (sa.ndcg - sb.ndcg).abs() > 1e-9 {
                changed.push(QueryChange {
                    mode: ma.mode,
                    query: q.query.clone(),
                    ndcg_a: sa.ndcg,
                    ndcg_b: sb.ndcg,
                });
            }
        }
    }
    changed.sort_by(|x, y| (x.ndcg_b - x.ndcg_a).total_cmp(&(y.ndcg_b - y.ndcg_a)));
    Ok(Comparison {
        a: ra,
        b: rb,
        changed,
    })
}
