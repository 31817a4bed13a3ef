//! Fusion of the BM25 and vector lists into one ranking.
//!
//! - [`rrf`]: weighted reciprocal rank fusion, `weight / (k + rank)` per list; needs no shared
//!   scale, but sees only ranks, so a BM25 list that matched every query word and one that matched
//!   a stop-word-like fragment count the same.
//! - [`convex`]: a convex combination of per-list normalised scores (min-max or z-score; Bruch,
//!   Gai & Ingber 2022 found it more robust than RRF once its one weight is set).
//! - [`lexical_evidence`], [`lexical_distinctness`] and [`query_weights`]: the per-query BM25
//!   weight, scaled by how much of the query's idf mass the best BM25 hits actually matched (a
//!   BM25 list built on no real match gets no say) and by how far its best hit stands above its
//!   tenth (a flat list of partial matches, typical of a paraphrase, says little about which
//!   document is meant).
//!
//! Ties break by chunk id for a stable order everywhere.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::Weights;

/// A chunk as one retriever ranked it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ranked {
    pub chunk_id: i64,
    /// BM25 score or cosine distance, kept for the explanation.
    pub value: f64,
}

/// What fusion made of one chunk: its fused score, and per list its rank (1-based) and the
/// normalised score it contributed (before weighting; `None`: absent from that list).
#[derive(Debug, Clone, PartialEq)]
pub struct Fused {
    pub chunk_id: i64,
    pub score: f64,
    pub ranks: Vec<Option<usize>>,
    pub normalized: Vec<Option<f64>>,
}

/// How scores are made comparable before they are combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum FusionMethod {
    /// Weighted reciprocal rank fusion (ranks only).
    Rrf,
    /// Convex combination of min-max normalised scores.
    Minmax,
    /// Convex combination of z-scores.
    Zscore,
}

/// A fusion: the method and whether the BM25 weight follows the query's lexical evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Fusion {
    pub method: FusionMethod,
    /// Scale the BM25 weight by the list's [`LexicalEvidence`] through [`EVIDENCE_CURVE`]: how
    /// much of the query it matched and how far its best hit stands out (0: no say).
    pub evidence: bool,
}

impl Default for Fusion {
    /// The default, chosen from the measurements in docs/benchmarks.md (`search-quality`):
    /// z-score with the lexical evidence through [`EVIDENCE_CURVE`], at [`DEFAULT_WEIGHTS`]. RRF
    /// with the evidence at 1 : 1 lost 7 % nDCG to BM25 alone on lexical queries.
    fn default() -> Self {
        Fusion {
            method: FusionMethod::Zscore,
            evidence: true,
        }
    }
}

/// The weights a request with the default 1 : 1 gets with the default fusion (as with a stored
/// tuning, 1 : 1 means "not given"): BM25 0.9, vector 0.1 before the evidence scales BM25's
/// (chosen with [`EVIDENCE_CURVE`]).
pub const DEFAULT_WEIGHTS: Weights = Weights {
    bm25: 0.9,
    vector: 0.1,
};

impl Fusion {
    /// Plain weighted RRF, as searches fused before issue 13.
    pub fn rrf() -> Self {
        Fusion {
            method: FusionMethod::Rrf,
            evidence: false,
        }
    }
}

/// What a query's BM25 list shows of its own strength: [`lexical_evidence`] (how much of the
/// query it matched) and [`lexical_distinctness`] (how far its best hit stands out).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LexicalEvidence {
    pub matched: f64,
    pub distinctness: f64,
}

/// How the evidence becomes the scale of the BM25 weight, the product of two factors:
/// - the matched share: at or below `floor` the lexical side gets no say; above it the share is
///   rescaled onto 0..=1 (the floor to 0, a full match to 1) and raised to `power`;
/// - the distinctness: divided by `distinct_full` (capped at 1) and raised to `distinct_power`;
///   `distinct_full` 0 leaves it out (factor 1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EvidenceCurve {
    pub floor: f64,
    pub power: i32,
    pub distinct_full: f64,
    pub distinct_power: i32,
}

impl EvidenceCurve {
    /// The matched-share factor (0..=1) for `evidence` (NaN: 0).
    pub fn scale(&self, evidence: f64) -> f64 {
        let e = unit(evidence);
        if e <= self.floor {
            return 0.0;
        }
        ((e - self.floor) / (1.0 - self.floor)).powi(self.power)
    }

    /// The distinctness factor (0..=1; 1 when the curve leaves distinctness out).
    pub fn distinct_scale(&self, distinctness: f64) -> f64 {
        if self.distinct_full <= 0.0 {
            return 1.0;
        }
        (unit(distinctness) / self.distinct_full)
            .min(1.0)
            .powi(self.distinct_power)
    }

    /// The factor (0..=1) the BM25 weight is multiplied by.
    pub fn factor(&self, e: LexicalEvidence) -> f64 {
        self.scale(e.matched) * self.distinct_scale(e.distinctness)
    }
}

fn unit(x: f64) -> f64 {
    if x.is_nan() {
        0.0
    } else {
        x.clamp(0.0, 1.0)
    }
}

/// The curve searches use, chosen on held-out WordNet sets (seed 14, 117,659 glosses, documents
/// disjoint from the reported sets; see `search-quality` in docs/benchmarks.md): among the
/// grid's points within one query of the better side on every held-out set, the best nDCG on
/// all of them.
/// - The matched share alone (floor 0, squared) still let a paraphrase query's BM25 list, built
///   on other documents that share some of its words, outvote the vector side: two of 150
///   paraphrase queries short of vector alone.
/// - A higher floor did not help: at full scale it found no more paraphrase answers, and at 500
///   documents (tests/it/eval_fusion.rs) floor 0.2 fell three mixed queries below BM25.
/// - Distinctness separates the two kinds of list: a lexical query's best hit stands about half
///   its score above the tenth (median 0.54 on the held-out set), a paraphrase query's a quarter
///   (0.25).
pub const EVIDENCE_CURVE: EvidenceCurve = EvidenceCurve {
    floor: 0.0,
    power: 2,
    distinct_full: 0.6,
    distinct_power: 2,
};

/// How many of the first BM25 hits are looked at for evidence.
pub const EVIDENCE_HITS: usize = 10;

/// The share (0..=1) of the query's idf mass that the best of `matched` (each hit's summed idf of
/// the query terms it contains, best hits first) covers; `query_idf` counts every query term,
/// also those absent from the corpus. No hit or no query term: 0.
pub fn lexical_evidence(matched: &[f64], query_idf: f64) -> f64 {
    if query_idf.is_nan() || query_idf <= 0.0 {
        return 0.0;
    }
    let best = matched
        .iter()
        .take(EVIDENCE_HITS)
        .copied()
        .fold(0.0f64, f64::max);
    (best / query_idf).clamp(0.0, 1.0)
}

/// The hit whose score [`lexical_distinctness`] compares the best one with.
pub const DISTINCT_AT: usize = 10;

/// How far the best of a BM25 list's `scores` (best first, a list cut at `depth`) stands above
/// the [`DISTINCT_AT`]th: `(best − tenth) / best`, 0..=1. A list shorter than its depth holds
/// every matching document, so a missing tenth scores 0; a depth below ten compares with the
/// last hit. No hit (or no positive score): 0.
pub fn lexical_distinctness(scores: &[f64], depth: usize) -> f64 {
    let Some(&best) = scores.first() else {
        return 0.0;
    };
    if best.is_nan() || best <= 0.0 {
        return 0.0;
    }
    let tenth = match scores.get(DISTINCT_AT - 1) {
        Some(&s) => s,
        None if scores.len() < depth => 0.0,
        None => scores.last().copied().unwrap_or(0.0),
    };
    unit((best - tenth) / best)
}

/// The weights this query is fused with: the BM25 weight scaled by [`EVIDENCE_CURVE`]'s factor
/// of the evidence when given; for the convex methods the two are then scaled to sum to 1 (RRF
/// keeps their scale, which does not change its order). Both zero stays both zero.
pub fn query_weights(
    w: Weights,
    method: FusionMethod,
    evidence: Option<LexicalEvidence>,
) -> Weights {
    query_weights_with(w, method, evidence, EVIDENCE_CURVE)
}

/// [`query_weights`] with another curve (for choosing one on a golden set).
pub fn query_weights_with(
    w: Weights,
    method: FusionMethod,
    evidence: Option<LexicalEvidence>,
    curve: EvidenceCurve,
) -> Weights {
    let bm25 = match evidence {
        Some(e) => w.bm25 * curve.factor(e),
        None => w.bm25,
    };
    let sum = bm25 + w.vector;
    match method {
        FusionMethod::Rrf => Weights {
            bm25,
            vector: w.vector,
        },
        _ if sum > 0.0 => Weights {
            bm25: bm25 / sum,
            vector: w.vector / sum,
        },
        _ => Weights {
            bm25: 0.0,
            vector: 0.0,
        },
    }
}

/// Fuses ranked lists with weights (`lists[i]` is weighted `weights[i]`); `rrf_k` damps the
/// advantage of the very first ranks (60 in the original paper). Returns the best `k`.
pub fn rrf(lists: &[&[Ranked]], weights: &[f64], rrf_k: f64, k: usize) -> Vec<Fused> {
    let mut by_chunk: HashMap<i64, Fused> = HashMap::new();
    for (li, list) in lists.iter().enumerate() {
        let w = weights.get(li).copied().unwrap_or(1.0);
        for (pos, r) in list.iter().enumerate() {
            let entry = entry(&mut by_chunk, r.chunk_id, lists.len());
            if entry.ranks[li].is_none() {
                let contribution = 1.0 / (rrf_k + (pos + 1) as f64);
                entry.ranks[li] = Some(pos + 1);
                entry.normalized[li] = Some(contribution);
                entry.score += w * contribution;
            }
        }
    }
    let keep_all = weights.iter().all(|w| *w == 0.0);
    finish(by_chunk, k, |f| f.score > 0.0 || keep_all)
}

fn entry(by_chunk: &mut HashMap<i64, Fused>, chunk_id: i64, lists: usize) -> &mut Fused {
    by_chunk.entry(chunk_id).or_insert_with(|| Fused {
        chunk_id,
        score: 0.0,
        ranks: vec![None; lists],
        normalized: vec![None; lists],
    })
}

fn finish(by_chunk: HashMap<i64, Fused>, k: usize, keep: impl Fn(&Fused) -> bool) -> Vec<Fused> {
    let mut fused: Vec<Fused> = by_chunk.into_values().filter(|f| keep(f)).collect();
    fused.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.chunk_id.cmp(&b.chunk_id))
    });
    fused.truncate(k);
    fused
}

/// Normalised scores of one list (higher is better) and the value a chunk absent from the list
/// gets. Min-max maps the list onto [0, 1] (all equal: all 1) and an absent chunk to 0, the
/// list's floor; z-score maps to (s − mean) / sd (sd 0: all 0) and an absent chunk to the list's
/// lowest z-score, so absence never ranks above the worst listed hit.
pub fn normalize(scores: &[f64], method: FusionMethod) -> (Vec<f64>, f64) {
    if scores.is_empty() {
        return (Vec::new(), 0.0);
    }
    let n = scores.len() as f64;
    match method {
        FusionMethod::Zscore => {
            let mean = scores.iter().sum::<f64>() / n;
            let sd = (scores.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / n).sqrt();
            let z: Vec<f64> = scores
                .iter()
                .map(|s| if sd > 0.0 { (s - mean) / sd } else { 0.0 })
                .collect();
            let floor = z.iter().copied().fold(f64::INFINITY, f64::min);
            (z, floor)
        }
        // Rrf never normalises scores; min-max is the reading for it too (single modes).
        FusionMethod::Minmax | FusionMethod::Rrf => {
            let lo = scores.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let out = scores
                .iter()
                .map(|s| if hi > lo { (s - lo) / (hi - lo) } else { 1.0 })
                .collect();
            (out, 0.0)
        }
    }
}

/// A convex combination `Σ weights[i] · n_i(chunk)` of the lists' normalised scores (`lists[i]`:
/// chunks with scores where higher is better, best first; `method`: Minmax or Zscore). A chunk
/// absent from a list gets that list's floor (see [`normalize`]); a list of weight 0 adds nothing
/// and brings in no chunk. Returns the best `k`.
pub fn convex(lists: &[&[Ranked]], weights: &[f64], method: FusionMethod, k: usize) -> Vec<Fused> {
    let mut by_chunk: HashMap<i64, Fused> = HashMap::new();
    let mut floors = Vec::with_capacity(lists.len());
    let all_silent = weights.iter().all(|w| *w == 0.0);
    for (li, list) in lists.iter().enumerate() {
        let w = weights.get(li).copied().unwrap_or(1.0);
        let scores: Vec<f64> = list.iter().map(|r| r.value).collect();
        let (norm, floor) = normalize(&scores, method);
        floors.push(floor);
        if w == 0.0 && !all_silent {
            continue;
        }
        for (pos, (r, n)) in list.iter().zip(norm).enumerate() {
            let entry = entry(&mut by_chunk, r.chunk_id, lists.len());
            if entry.ranks[li].is_none() {
                entry.ranks[li] = Some(pos + 1);
                entry.normalized[li] = Some(n);
            }
        }
    }
    for f in by_chunk.values_mut() {
        f.score = (0..lists.len())
            .map(|li| {
                weights.get(li).copied().unwrap_or(1.0) * f.normalized[li].unwrap_or(floors[li])
            })
            .sum();
    }
    finish(by_chunk, k, |_| true)
}

/// Fills in the ranks (and normalised scores) of chunks from lists a zero weight kept out of
/// the fusion, so every hit's explanation names its place in both lists.
pub fn explain(fused: &mut [Fused], lists: &[&[Ranked]], method: FusionMethod, rrf_k: f64) {
    for (li, list) in lists.iter().enumerate() {
        let scores: Vec<f64> = list.iter().map(|r| r.value).collect();
        let (norm, _) = normalize(&scores, method);
        for f in fused.iter_mut() {
            if f.ranks[li].is_some() {
                continue;
            }
            if let Some(pos) = list.iter().position(|r| r.chunk_id == f.chunk_id) {
                f.ranks[li] = Some(pos + 1);
                f.normalized[li] = Some(match method {
                    FusionMethod::Rrf => 1.0 / (rrf_k + (pos + 1) as f64),
                    _ => norm[pos],
                });
            }
        }
    }
}

#[cfg(test)]
#[path = "fuse_tests.rs"]
mod tests;
