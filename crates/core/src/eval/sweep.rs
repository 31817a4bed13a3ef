//! Choosing the evidence curve and weights of the default fusion: named golden sets' lists are
//! retrieved once, then fused with every point of a grid of curves and weights in memory, with
//! each side alone beside them. Measures only (stores nothing): the choice is the caller's, made
//! on sets held out from the ones it reports.

use std::sync::Arc;

use serde::Serialize;
use sqlx::PgPool;

use super::tune::{docs_of, retrieve_all, Retrieved};
use super::{metrics, EvalOptions, GoldenQuery, QueryScore};
use crate::error::Result;
use crate::models::EmbedderSource;
use crate::search::fuse::{EvidenceCurve, Ranked};
use crate::search::fused::{self, Pair};
use crate::search::{Fusion, FusionMethod, Mode, SearchRequest, Weights};

/// One set's means and how many queries found their relevant document in the top k.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct SetScore {
    pub recall: f64,
    pub mrr: f64,
    pub ndcg: f64,
    /// recall@k × queries, rounded: the "within one query" unit.
    pub found: usize,
}

/// A point of the grid.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Point {
    pub curve: EvidenceCurve,
    pub weights: Weights,
}

/// What a point (or a side alone) scored, per named set in the order given, then on all of
/// them together.
#[derive(Debug, Clone, Serialize)]
pub struct Scored {
    pub sets: Vec<SetScore>,
    pub all: SetScore,
}

#[derive(Debug, Clone, Serialize)]
pub struct SweepReport {
    pub names: Vec<String>,
    pub queries: Vec<usize>,
    pub bm25: Scored,
    pub vector: Scored,
    /// The method every point fuses with.
    pub method: FusionMethod,
    pub points: Vec<(Point, Scored)>,
}

fn set_score(scores: &[QueryScore]) -> SetScore {
    let m = metrics::mean(scores);
    SetScore {
        recall: m.recall,
        mrr: m.reciprocal_rank,
        ndcg: m.ndcg,
        found: (m.recall * scores.len() as f64).round() as usize,
    }
}

fn scored(per_set: &[Vec<QueryScore>]) -> Scored {
    let all: Vec<QueryScore> = per_set.iter().flatten().copied().collect();
    Scored {
        sets: per_set.iter().map(|s| set_score(s)).collect(),
        all: set_score(&all),
    }
}

/// Retrieves every query of `sets` once (as the owner at the head, top `k`) and scores BM25,
/// vector and `method` with the evidence at every point of `points`.
pub async fn sweep(
    pool: &PgPool,
    sets: &[(&str, &[GoldenQuery])],
    method: FusionMethod,
    points: &[Point],
    k: usize,
    embedders: Arc<dyn EmbedderSource>,
) -> Result<SweepReport> {
    let opts = EvalOptions {
        modes: vec![Mode::Hybrid],
        k,
        ..EvalOptions::default()
    };
    let mut lists: Vec<(Vec<Retrieved>, std::collections::HashMap<i64, String>)> = Vec::new();
    for (name, queries) in sets {
        let version = super::run::check(pool, queries, &opts, name).await?;
        let (r, doc, _) = retrieve_all(
            pool,
            queries,
            name,
            None,
            version,
            k,
            Arc::clone(&embedders),
        )
        .await?;
        lists.push((r, doc));
    }
    let per_set = |f: &dyn Fn(&Retrieved) -> Vec<i64>| -> Scored {
        let s: Vec<Vec<QueryScore>> = lists
            .iter()
            .zip(sets)
            .map(|((r, doc), (_, queries))| {
                r.iter()
                    .zip(queries.iter())
                    .map(|(r, q)| metrics::score(&docs_of(f(r).into_iter(), doc), &q.relevant, k))
                    .collect()
            })
            .collect();
        scored(&s)
    };
    let alone = |l: &[Ranked]| l.iter().take(k).map(|x| x.chunk_id).collect::<Vec<_>>();
    let bm25 = per_set(&|r| alone(&r.lists.bm25));
    let vector = per_set(&|r| alone(&r.lists.vector));
    let fusion = Fusion {
        method,
        evidence: true,
    };
    let rrf_k = SearchRequest::default().rrf_k;
    let points = points
        .iter()
        .map(|p| {
            let s = per_set(&|r| {
                let pair = Pair {
                    bm25: &r.lists.bm25,
                    vector: &r.lists.vector,
                };
                fused::hybrid_with(pair, r.lists.evidence, p.weights, fusion, p.curve, rrf_k, k)
                    .iter()
                    .map(|h| h.chunk_id)
                    .collect()
            });
            (*p, s)
        })
        .collect();
    Ok(SweepReport {
        names: sets.iter().map(|(n, _)| n.to_string()).collect(),
        queries: sets.iter().map(|(_, q)| q.len()).collect(),
        bm25,
        vector,
        method,
        points,
    })
}
