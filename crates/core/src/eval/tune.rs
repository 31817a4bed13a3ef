//! Tuning the hybrid fusion on a golden set: each query's two lists are retrieved once, then
//! fused every way of a small grid (method × evidence on/off × BM25 share 0, 0.1, …, 1) in
//! memory; the best mean nDCG@k wins (ties: higher recall, then the built-in default, then the
//! grid's order). The choice is stored for the model, or in the agent's settings.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;
use sqlx::PgPool;

use super::{metrics, GoldenQuery, QueryScore};
use crate::agents::{self, AgentChange};
use crate::error::{Error, Result};
use crate::models::{EmbedderSource, Model};
use crate::search::bm25::Bm25Stats;
use crate::search::fuse::Ranked;
use crate::search::fused;
use crate::search::run::{prepare, retrieve, Lists};
use crate::search::tuning::{self, Tuning};
use crate::search::{Fusion, FusionMethod, Mode, SearchRequest, Weights};

/// One point of the grid and how it scored.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Candidate {
    pub tuning: Tuning,
    pub recall: f64,
    pub mrr: f64,
    pub ndcg: f64,
}

/// What a tuning found and where it was stored.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TuneReport {
    pub chosen: Candidate,
    /// The built-in default (Fusion::default at DEFAULT_WEIGHTS) on the same lists.
    pub default: Candidate,
    /// Each list alone, from the same retrieval.
    pub bm25: Candidate,
    pub vector: Candidate,
    /// The best ten points of the grid.
    pub best: Vec<Candidate>,
    pub model: String,
    /// "model NAME" or "agent NAME".
    pub stored_for: String,
    pub queries: usize,
    pub k: usize,
}

/// The grid, the built-in default first (so it wins ties).
fn grid() -> Vec<Tuning> {
    let mut out = vec![Tuning {
        fusion: Fusion::default(),
        weights: crate::search::fuse::DEFAULT_WEIGHTS,
    }];
    for method in [
        FusionMethod::Minmax,
        FusionMethod::Zscore,
        FusionMethod::Rrf,
    ] {
        for evidence in [true, false] {
            for tenth in 0..=10 {
                let s = f64::from(tenth) / 10.0;
                out.push(Tuning {
                    fusion: Fusion { method, evidence },
                    weights: Weights {
                        bm25: s,
                        vector: 1.0 - s,
                    },
                });
            }
        }
    }
    out
}

/// A query's lists.
pub(crate) struct Retrieved {
    pub lists: Lists,
}

fn candidate(t: Tuning, scores: &[QueryScore]) -> Candidate {
    let m = metrics::mean(scores);
    Candidate {
        tuning: t,
        recall: m.recall,
        mrr: m.reciprocal_rank,
        ndcg: m.ndcg,
    }
}

pub(crate) fn docs_of(ids: impl Iterator<Item = i64>, doc: &HashMap<i64, String>) -> Vec<String> {
    ids.filter_map(|id| doc.get(&id).cloned()).collect()
}

/// Tunes on `queries` (as the owner at `version`, or over the agent's categories at its version)
/// and stores the choice for the model or the agent.
#[allow(clippy::too_many_arguments)]
pub async fn tune(
    pool: &PgPool,
    queries: &[GoldenQuery],
    name: &str,
    agent: Option<&str>,
    version: Option<i64>,
    k: usize,
    author: &str,
    embedders: Arc<dyn EmbedderSource>,
) -> Result<TuneReport> {
    let opts = super::EvalOptions {
        modes: vec![Mode::Hybrid],
        agent: agent.map(str::to_string),
        version,
        k,
        fusion: None,
    };
    let version = super::run::check(pool, queries, &opts, name).await?;
    // An agent's lists are approximated by the owner's under its categories at its version
    // (the owner's BM25 statistics, not the agent's own corpus).
    let agent_def = match agent {
        Some(a) => Some(agents::get(pool, a).await?),
        None => None,
    };
    let (retrieved, doc, model) = retrieve_all(
        pool,
        queries,
        name,
        agent_def.as_ref(),
        version,
        k,
        embedders,
    )
    .await?;
    let score_with = |t: Tuning| -> Vec<QueryScore> {
        retrieved
            .iter()
            .zip(queries)
            .map(|(r, q)| {
                let hits = fused::hybrid(
                    &r.lists.bm25,
                    &r.lists.vector,
                    r.lists.evidence,
                    t.weights,
                    t.fusion,
                    SearchRequest::default().rrf_k,
                    k,
                );
                metrics::score(
                    &docs_of(hits.iter().map(|h| h.chunk_id), &doc),
                    &q.relevant,
                    k,
                )
            })
            .collect()
    };
    let alone = |pick: fn(&Lists) -> &[Ranked]| -> Vec<QueryScore> {
        retrieved
            .iter()
            .zip(queries)
            .map(|(r, q)| {
                let ids = pick(&r.lists).iter().take(k).map(|x| x.chunk_id);
                metrics::score(&docs_of(ids, &doc), &q.relevant, k)
            })
            .collect()
    };
    let mut all: Vec<Candidate> = grid()
        .into_iter()
        .map(|t| candidate(t, &score_with(t)))
        .collect();
    let default = all[0].clone();
    // Stable: equal scores keep the grid's order (the default first).
    all.sort_by(|a, b| {
        b.ndcg
            .total_cmp(&a.ndcg)
            .then(b.recall.total_cmp(&a.recall))
    });
    let chosen = all[0].clone();
    let bm25 = candidate(default.tuning, &alone(|l| &l.bm25));
    let vector = candidate(default.tuning, &alone(|l| &l.vector));

    let stored_for = match &agent_def {
        Some(a) => {
            let settings = agents::AgentSettings {
                fusion: Some(chosen.tuning.fusion),
                weights: chosen.tuning.weights,
                ..a.settings.clone()
            };
            let change = AgentChange {
                settings: Some(settings),
                ..AgentChange::default()
            };
            agents::update(pool, &a.name, &change, author).await?;
            format!("agent {}", a.name)
        }
        None => {
            let mut tx = pool.begin().await?;
            tuning::store(&mut tx, model.id, &chosen.tuning, name, chosen.ndcg, author).await?;
            crate::audit::record(
                &mut tx,
                author,
                "eval.tune",
                None,
                serde_json::json!({
                    "model": model.name, "golden_set": name,
                    "tuning": chosen.tuning, "ndcg": chosen.ndcg,
                }),
            )
            .await?;
            tx.commit().await?;
            format!("model {}", model.name)
        }
    };
    all.truncate(10);
    Ok(TuneReport {
        chosen,
        default,
        bm25,
        vector,
        best: all,
        model: model.name,
        stored_for,
        queries: queries.len(),
        k,
    })
}

/// Each query's two lists, retrieved once with the default fusion's request (as the owner at
/// `version`, or under the agent's categories), the document of every chunk in them, and the
/// model the vectors came from.
pub(crate) async fn retrieve_all(
    pool: &PgPool,
    queries: &[GoldenQuery],
    name: &str,
    agent_def: Option<&agents::Agent>,
    version: i64,
    k: usize,
    embedders: Arc<dyn EmbedderSource>,
) -> Result<(Vec<Retrieved>, HashMap<i64, String>, Model)> {
    let mut conn = pool.acquire().await?;
    let mut second = pool.acquire().await?;
    let mut retrieved = Vec::with_capacity(queries.len());
    let mut model = None;
    for (i, q) in queries.iter().enumerate() {
        let under = match (agent_def, q.under.is_empty()) {
            (Some(a), true) => a.categories.clone(),
            _ => q.under.clone(),
        };
        let req = SearchRequest {
            query: q.query.clone(),
            mode: Mode::Hybrid,
            k,
            under,
            version: Some(version),
            fusion: Some(Fusion::default()),
            model: agent_def.and_then(|a| a.settings.model.clone()),
            ..SearchRequest::default()
        };
        let mut p = prepare(&mut conn, &req, Arc::clone(&embedders))
            .await
            .map_err(|e| golden_line(e, name, q.line_or(i)))?;
        if p.req.mode != Mode::Hybrid {
            return Err(Error::Invalid(format!(
                "tuning needs vectors: {}",
                p.notice.unwrap_or_else(|| "no embedding model".into())
            )));
        }
        model = p.model.clone();
        let lists = retrieve(&mut conn, Some(&mut *second), &mut p, Bm25Stats::Corpus).await?;
        retrieved.push(Retrieved { lists });
    }
    let model = model.ok_or_else(|| Error::Invalid("an empty golden set".into()))?;
    let ids: Vec<i64> = retrieved
        .iter()
        .flat_map(|r| {
            r.lists
                .bm25
                .iter()
                .chain(&r.lists.vector)
                .map(|x| x.chunk_id)
        })
        .collect();
    let doc: HashMap<i64, String> = sqlx::query_as::<_, (i64, String)>(
        "SELECT c.id, d.source_id FROM chunk c JOIN document d ON d.id = c.document_id
         WHERE c.id = ANY($1::int8[])",
    )
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .collect();

    Ok((retrieved, doc, model))
}

fn golden_line(e: Error, name: &str, line: usize) -> Error {
    match e {
        Error::Invalid(m) => Error::bad_input(std::path::Path::new(name), line, m),
        other => other,
    }
}
