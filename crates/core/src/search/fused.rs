//! From two ranked lists to a search's hits: which fusion a request means (its own, the
//! model's stored tuning, or the default), the fusion itself, and each hit's explanation (each
//! side's rank, score, normalised score and weight). Pure apart from [`resolve`], so
//! `dtrag eval search --tune` can fuse the same lists many ways without searching again.

use sqlx::PgConnection;

use super::fuse::{self, EvidenceCurve, Fused, Fusion, FusionMethod, LexicalEvidence, Ranked};
use super::run::Lists;
use super::{tuning, Bm25Signal, FusionReport, Mode, SearchRequest, VectorSignal, Weights};
use crate::error::Result;
use crate::models::Model;

/// A fused hit before its details are read.
#[derive(Debug, Clone, PartialEq)]
pub struct FusedHit {
    pub chunk_id: i64,
    pub score: f64,
    pub bm25: Option<Bm25Signal>,
    pub vector: Option<VectorSignal>,
}

/// What fusing a request's lists gave.
#[derive(Debug, Clone)]
pub struct FusedList {
    pub hits: Vec<FusedHit>,
    pub report: Option<FusionReport>,
}

/// Settles `req.fusion`: a hybrid request that names none takes the model's stored tuning (its
/// weights too, unless the request changed them from the default), else [`Fusion::default`]
/// (with [`fuse::DEFAULT_WEIGHTS`] for default weights).
/// Returns whether the stored tuning was used.
pub(crate) async fn resolve(
    conn: &mut PgConnection,
    req: &mut SearchRequest,
    model: Option<&Model>,
) -> Result<bool> {
    if req.fusion.is_some() || req.mode != Mode::Hybrid {
        return Ok(false);
    }
    let stored = match model {
        Some(m) => tuning::stored(conn, m.id).await?,
        None => None,
    };
    match stored {
        Some(t) => {
            req.fusion = Some(t.fusion);
            if req.weights == Weights::default() {
                req.weights = t.weights;
            }
            Ok(true)
        }
        None => {
            req.fusion = Some(Fusion::default());
            if req.weights == Weights::default() {
                req.weights = fuse::DEFAULT_WEIGHTS;
            }
            Ok(false)
        }
    }
}

/// Fuses the request's lists into its top `k` (single modes: the one list, explained).
pub(crate) fn fuse(req: &SearchRequest, lists: &Lists, tuned: bool) -> FusedList {
    let fusion = req.fusion.unwrap_or_default();
    match req.mode {
        Mode::Bm25 => FusedList {
            hits: single(&lists.bm25, false),
            report: None,
        },
        Mode::Vector => FusedList {
            hits: single(&lists.vector, true),
            report: None,
        },
        Mode::Hybrid => FusedList {
            hits: hybrid(
                &lists.bm25,
                &lists.vector,
                lists.evidence,
                req.weights,
                fusion,
                req.rrf_k,
                req.k,
            ),
            report: Some(FusionReport {
                fusion,
                lexical_evidence: lists.evidence.matched,
                lexical_distinctness: lists.evidence.distinctness,
                bm25_weight: req.weights.bm25,
                vector_weight: req.weights.vector,
                tuned,
            }),
        },
    }
}

/// One list as hits: BM25 scores, or 1 − cosine distance for the vector list.
fn single(list: &[Ranked], is_vector: bool) -> Vec<FusedHit> {
    let scores: Vec<f64> = list
        .iter()
        .map(|r| if is_vector { 1.0 - r.value } else { r.value })
        .collect();
    let (norm, _) = fuse::normalize(&scores, FusionMethod::Minmax);
    list.iter()
        .zip(scores.iter().zip(norm))
        .enumerate()
        .map(|(i, (r, (&score, normalized)))| FusedHit {
            chunk_id: r.chunk_id,
            score,
            bm25: (!is_vector).then_some(Bm25Signal {
                rank: i + 1,
                score: r.value,
                normalized,
                weight: 1.0,
            }),
            vector: is_vector.then_some(VectorSignal {
                rank: i + 1,
                distance: r.value,
                normalized,
                weight: 1.0,
            }),
        })
        .collect()
}

/// The hybrid fusion of a BM25 list (scores) and a vector list (cosine distances) with the
/// BM25 side's `evidence`: the best `k`, each explained.
pub fn hybrid(
    bm25: &[Ranked],
    vector: &[Ranked],
    evidence: LexicalEvidence,
    weights: Weights,
    fusion: Fusion,
    rrf_k: f64,
    k: usize,
) -> Vec<FusedHit> {
    let lists = Pair { bm25, vector };
    hybrid_with(
        lists,
        evidence,
        weights,
        fusion,
        fuse::EVIDENCE_CURVE,
        rrf_k,
        k,
    )
}

/// A BM25 list (scores) and a vector list (cosine distances) of one query.
#[derive(Debug, Clone, Copy)]
pub struct Pair<'a> {
    pub bm25: &'a [Ranked],
    pub vector: &'a [Ranked],
}

/// [`hybrid`] with another evidence curve (for choosing one on a golden set).
pub fn hybrid_with(
    lists: Pair<'_>,
    evidence: LexicalEvidence,
    weights: Weights,
    fusion: Fusion,
    curve: EvidenceCurve,
    rrf_k: f64,
    k: usize,
) -> Vec<FusedHit> {
    let Pair { bm25, vector } = lists;
    let w = fuse::query_weights_with(
        weights,
        fusion.method,
        fusion.evidence.then_some(evidence),
        curve,
    );
    let similarity: Vec<Ranked> = vector
        .iter()
        .map(|r| Ranked {
            chunk_id: r.chunk_id,
            value: 1.0 - r.value,
        })
        .collect();
    let lists: [&[Ranked]; 2] = [bm25, &similarity];
    let mut fused: Vec<Fused> = match fusion.method {
        FusionMethod::Rrf => fuse::rrf(&lists, &[w.bm25, w.vector], rrf_k, k),
        m => fuse::convex(&lists, &[w.bm25, w.vector], m, k),
    };
    fuse::explain(&mut fused, &lists, fusion.method, rrf_k);
    fused
        .into_iter()
        .map(|f| {
            let side = |li: usize| f.ranks[li].zip(f.normalized[li]);
            FusedHit {
                chunk_id: f.chunk_id,
                score: f.score,
                bm25: side(0).map(|(rank, normalized)| Bm25Signal {
                    rank,
                    score: bm25.get(rank - 1).map_or(f64::NAN, |r| r.value),
                    normalized,
                    weight: w.bm25,
                }),
                vector: side(1).map(|(rank, normalized)| VectorSignal {
                    rank,
                    distance: vector.get(rank - 1).map_or(f64::NAN, |r| r.value),
                    normalized,
                    weight: w.vector,
                }),
            }
        })
        .collect()
}
