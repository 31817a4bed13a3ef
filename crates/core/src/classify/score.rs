//! Scoring categories for documents: pure arithmetic over L2-normalised vectors, no database.
//!
//! A category's score for a document mixes two kinds of evidence:
//! - **neighbours**: the document's `K` nearest human-labelled documents vote for their
//!   categories, each vote weighted by `exp((sim - 1) / TAU)` (sharper for closer neighbours);
//! - **its own text**: the cosine similarity of the document to the category's embedded text
//!   (label, alternative labels, description, path), as a softmax over all categories, so a
//!   category without examples can still be suggested.
//!
//! - **the centroid**: the similarity to the mean of each category's labelled documents, as a
//!   softmax over the categories that have examples (steadier than ten neighbours where a
//!   category's examples are spread out; measured +5 points of top-1 on WordNet glosses).
//!
//! All three are distributions over the categories (each sums to 1), and the score is their
//! mixture `score = b * (vote + centroid) / 2 + (1 - b) * text`, where the labelled evidence counts
//! for more the more labelled documents there are: `b = min(L / (L + PRIOR), MAX_VOTE)`. The text
//! side never drops below `1 - MAX_VOTE`, so a category without examples can still win on a clear
//! description. A held-out document's own group is left out of the vote and of the centroids.
//! Similarities come from blocks of matrix products (candle's CPU matmul), a block of documents at
//! a time, so memory stays at `BLOCK x max(labelled, categories)` floats.

use candle_core::{Device, Tensor};

use crate::error::{Error, Result};

/// Neighbours that vote.
pub const K: usize = 10;
/// Temperature of a neighbour's vote weight.
const TAU: f32 = 0.05;
/// Temperature of the softmax over category-text similarities.
const TEXT_TAU: f32 = 0.03;
/// Labelled documents at which the neighbour vote and the category text count equally.
const PRIOR: f32 = 20.0;
/// The most the neighbour vote counts for.
const MAX_VOTE: f32 = 0.8;
/// Documents per matrix product.
const BLOCK: usize = 512;
/// Temperature of the softmax over centroid similarities.
const CENTROID_TAU: f32 = 0.03;
/// Groups up to which held-out centroids are exact (cross-validation folds); beyond, a group's
/// own share of a centroid's norm is ignored.
const EXACT_GROUPS: usize = 16;
/// Candidates kept per document before the DAG step.
pub const CANDIDATES: usize = 12;

/// A row-major matrix of L2-normalised vectors.
#[derive(Debug, Clone, Default)]
pub struct Vectors {
    pub dims: usize,
    pub data: Vec<f32>,
}

impl Vectors {
    pub fn new(dims: usize) -> Self {
        Vectors {
            dims,
            data: Vec::new(),
        }
    }
    pub fn len(&self) -> usize {
        self.data.len().checked_div(self.dims).unwrap_or(0)
    }
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
    /// Appends `v`, normalised to unit length (a zero vector stays zero).
    pub fn push(&mut self, v: &[f32]) {
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        let scale = if norm > 0.0 { 1.0 / norm } else { 0.0 };
        self.data.extend(v.iter().map(|x| x * scale));
    }
    pub fn row(&self, i: usize) -> &[f32] {
        &self.data[i * self.dims..(i + 1) * self.dims]
    }
    fn tensor(&self, rows: std::ops::Range<usize>) -> Result<Tensor> {
        let slice = &self.data[rows.start * self.dims..rows.end * self.dims];
        Tensor::from_slice(slice, (rows.len(), self.dims), &Device::Cpu).map_err(math)
    }
}

fn math(e: candle_core::Error) -> Error {
    Error::Internal(format!("classifier arithmetic failed: {e}"))
}

/// What documents are scored against.
pub struct Evidence<'a> {
    /// Human-labelled documents' vectors.
    pub labelled: &'a Vectors,
    /// The categories (indices into `categories`) of each labelled document.
    pub labels: &'a [Vec<u32>],
    /// A group per labelled document (its cross-validation fold, or its document id): a document
    /// never votes for another of its own group, so held-out scores are honest.
    pub groups: &'a [u32],
    /// Category texts' vectors, one row per category.
    pub categories: &'a Vectors,
}

/// One scored category.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    pub category: u32,
    pub score: f32,
    /// The share of the neighbour vote, for explanations.
    pub vote: f32,
    /// The category-text similarity (cosine), for explanations.
    pub text_similarity: f32,
}

/// The best [`CANDIDATES`] categories of each document, best first. `groups[i]` is the group of
/// document `i` (labelled documents of the same group do not vote).
pub fn score(docs: &Vectors, groups: &[u32], ev: &Evidence<'_>) -> Result<Vec<Vec<Scored>>> {
    score_among(docs, groups, ev, |_, _| true)
}

/// As [`score`], keeping only the categories `allowed(document, category)` admits (a split
/// category's documents are scored among its children).
pub fn score_among(
    docs: &Vectors,
    groups: &[u32],
    ev: &Evidence<'_>,
    allowed: impl Fn(usize, u32) -> bool,
) -> Result<Vec<Vec<Scored>>> {
    if docs.dims != ev.categories.dims || (!ev.labelled.is_empty() && ev.labelled.dims != docs.dims)
    {
        return Err(Error::Internal("vectors of different dimensions".into()));
    }
    let n_cat = ev.categories.len();
    let n_labelled = ev.labelled.len() as f32;
    let b = (n_labelled / (n_labelled + PRIOR)).min(MAX_VOTE);
    let cats_t = ev.categories.tensor(0..n_cat)?.t().map_err(math)?;
    let labelled_t = if ev.labelled.is_empty() {
        None
    } else {
        Some(
            ev.labelled
                .tensor(0..ev.labelled.len())?
                .t()
                .map_err(math)?,
        )
    };
    let norms = CentroidNorms::new(ev, n_cat);
    let mut out = Vec::with_capacity(docs.len());
    let mut start = 0;
    while start < docs.len() {
        let end = (start + BLOCK).min(docs.len());
        let block = docs.tensor(start..end)?;
        let text: Vec<Vec<f32>> = block
            .matmul(&cats_t)
            .map_err(math)?
            .to_vec2()
            .map_err(math)?;
        let near: Option<Vec<Vec<f32>>> = match &labelled_t {
            Some(l) => Some(block.matmul(l).map_err(math)?.to_vec2().map_err(math)?),
            None => None,
        };
        for (row, sims) in text.iter().enumerate() {
            let i = start + row;
            let group = groups.get(i).copied();
            let (votes, centroid) = near
                .as_ref()
                .map(|n| {
                    (
                        neighbour_votes(&n[row], group, ev),
                        centroid_shares(&n[row], group, ev, &norms),
                    )
                })
                .unwrap_or_default();
            let mut scored = combine(sims, &votes, &centroid, b);
            scored.retain(|x| allowed(i, x.category));
            out.push(top(scored));
        }
        start = end;
    }
    Ok(out)
}

/// The neighbour vote per category (summing to 1 over the categories voted for).
fn neighbour_votes(sims: &[f32], group: Option<u32>, ev: &Evidence<'_>) -> Vec<(u32, f32)> {
    let mut best: Vec<(usize, f32)> = Vec::with_capacity(K + 1);
    for (j, &s) in sims.iter().enumerate() {
        if group.is_some_and(|g| ev.groups.get(j) == Some(&g)) {
            continue;
        }
        if best.len() < K || s > best[best.len() - 1].1 {
            let at = best.partition_point(|b| b.1 >= s);
            best.insert(at, (j, s));
            best.truncate(K);
        }
    }
    let mut votes: Vec<(u32, f32)> = Vec::new();
    let mut total = 0.0;
    for (j, s) in best {
        let w = ((s - 1.0) / TAU).exp();
        total += w;
        for &c in &ev.labels[j] {
            match votes.iter_mut().find(|v| v.0 == c) {
                Some(v) => v.1 += w,
                None => votes.push((c, w)),
            }
        }
    }
    if total > 0.0 {
        for v in &mut votes {
            v.1 /= total;
        }
    }
    votes
}

/// The norm of each category's sum of labelled vectors, whole and without each group's own.
struct CentroidNorms {
    whole: Vec<f32>,
    without: std::collections::HashMap<u32, Vec<f32>>,
}

impl CentroidNorms {
    fn new(ev: &Evidence<'_>, n_cat: usize) -> Self {
        let dims = ev.labelled.dims;
        let mut total = vec![0f32; n_cat * dims];
        let mut groups: std::collections::HashMap<u32, Vec<f32>> = Default::default();
        let distinct: std::collections::BTreeSet<u32> = ev.groups.iter().copied().collect();
        let exact = distinct.len() <= EXACT_GROUPS;
        for (j, cats) in ev.labels.iter().enumerate() {
            let v = ev.labelled.row(j);
            for &c in cats {
                let at = c as usize * dims;
                for (t, x) in total[at..at + dims].iter_mut().zip(v) {
                    *t += x;
                }
                if let (true, Some(&g)) = (exact, ev.groups.get(j)) {
                    let own = groups.entry(g).or_insert_with(|| vec![0f32; n_cat * dims]);
                    for (t, x) in own[at..at + dims].iter_mut().zip(v) {
                        *t += x;
                    }
                }
            }
        }
        let norm = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>().sqrt();
        let whole: Vec<f32> = (0..n_cat)
            .map(|c| norm(&total[c * dims..(c + 1) * dims]))
            .collect();
        let without = groups
            .into_iter()
            .map(|(g, own)| {
                let n = (0..n_cat)
                    .map(|c| {
                        let r = c * dims..(c + 1) * dims;
                        let diff: Vec<f32> = total[r.clone()]
                            .iter()
                            .zip(&own[r])
                            .map(|(t, o)| t - o)
                            .collect();
                        norm(&diff)
                    })
                    .collect();
                (g, n)
            })
            .collect();
        CentroidNorms { whole, without }
    }

    fn of(&self, group: Option<u32>) -> &[f32] {
        group
            .and_then(|g| self.without.get(&g))
            .map_or(&self.whole, |v| v)
    }
}

/// The centroid side: cosine of the document to each category's mean labelled vector (without
/// its own group's), as a softmax over the categories that have examples. The dot products with
/// the sums come from the document's similarities to the labelled documents.
fn centroid_shares(
    sims: &[f32],
    group: Option<u32>,
    ev: &Evidence<'_>,
    norms: &CentroidNorms,
) -> Vec<(u32, f32)> {
    let norm = norms.of(group);
    let mut dot = vec![0f32; norm.len()];
    for (j, &s) in sims.iter().enumerate() {
        if group.is_some_and(|g| ev.groups.get(j) == Some(&g)) {
            continue;
        }
        for &c in &ev.labels[j] {
            dot[c as usize] += s;
        }
    }
    let cos: Vec<(u32, f32)> = dot
        .iter()
        .zip(norm)
        .enumerate()
        .filter(|(_, (_, &n))| n > 1e-6)
        .map(|(c, (&d, &n))| (c as u32, d / n))
        .collect();
    let max = cos.iter().map(|c| c.1).fold(f32::MIN, f32::max);
    let exps: Vec<(u32, f32)> = cos
        .iter()
        .map(|&(c, x)| (c, ((x - max) / CENTROID_TAU).exp()))
        .collect();
    let z: f32 = exps.iter().map(|e| e.1).sum::<f32>().max(f32::MIN_POSITIVE);
    exps.into_iter().map(|(c, e)| (c, e / z)).collect()
}

fn combine(
    text_sims: &[f32],
    votes: &[(u32, f32)],
    centroid: &[(u32, f32)],
    b: f32,
) -> Vec<Scored> {
    let max = text_sims.iter().copied().fold(f32::MIN, f32::max);
    let exps: Vec<f32> = text_sims
        .iter()
        .map(|s| ((s - max) / TEXT_TAU).exp())
        .collect();
    let z: f32 = exps.iter().sum::<f32>().max(f32::MIN_POSITIVE);
    let mut scored: Vec<Scored> = text_sims
        .iter()
        .enumerate()
        .map(|(c, &sim)| Scored {
            category: c as u32,
            score: (1.0 - b) * exps[c] / z,
            vote: 0.0,
            text_similarity: sim,
        })
        .collect();
    // Without a centroid (no labels), the vote has the labelled side to itself.
    let vote_share = if centroid.is_empty() { 1.0 } else { 0.5 };
    for &(c, v) in votes {
        if let Some(s) = scored.get_mut(c as usize) {
            s.score += b * vote_share * v;
            s.vote = v;
        }
    }
    for &(c, v) in centroid {
        if let Some(s) = scored.get_mut(c as usize) {
            s.score += b * (1.0 - vote_share) * v;
        }
    }
    scored
}

/// The best [`CANDIDATES`], best first.
fn top(mut scored: Vec<Scored>) -> Vec<Scored> {
    let keep = CANDIDATES.min(scored.len());
    if keep < scored.len() {
        scored.select_nth_unstable_by(keep, |a, b| b.score.total_cmp(&a.score));
        scored.truncate(keep);
    }
    scored.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.category.cmp(&b.category))
    });
    for s in &mut scored {
        s.score = s.score.clamp(0.0, 1.0);
    }
    scored
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vectors(rows: &[&[f32]]) -> Vectors {
        let mut v = Vectors::new(rows[0].len());
        for r in rows {
            v.push(r);
        }
        v
    }

    #[test]
    fn neighbours_outvote_the_text_for_a_category_with_examples() {
        // Two categories whose texts point along x and y; labelled documents of category 1 lie
        // along x, so a document along x is category 1 despite its text looking like category 0.
        let cats = vectors(&[&[1.0, 0.0, 0.0], &[0.0, 1.0, 0.0]]);
        let rows: Vec<[f32; 3]> = (0..40).map(|i| [1.0, 0.01 * i as f32, 0.0]).collect();
        let refs: Vec<&[f32]> = rows.iter().map(|r| &r[..]).collect();
        let labelled = vectors(&refs);
        let labels = vec![vec![1]; 40];
        let groups: Vec<u32> = (1..=40).collect();
        let ev = Evidence {
            labelled: &labelled,
            labels: &labels,
            groups: &groups,
            categories: &cats,
        };
        let docs = vectors(&[&[1.0, 0.0, 0.0]]);
        let s = score(&docs, &[0], &ev).unwrap();
        assert_eq!(s[0][0].category, 1);
        assert!((s[0][0].vote - 1.0).abs() < 1e-6);
        // 40 labelled documents: b = 40 / 60 of the score is the vote.
        assert!((s[0][0].score - 40.0 / 60.0).abs() < 0.01, "{:?}", s[0]);
    }

    #[test]
    fn a_category_without_examples_is_suggested_from_its_text() {
        let cats = vectors(&[&[1.0, 0.0], &[0.0, 1.0]]);
        let empty = Vectors::new(2);
        let ev = Evidence {
            labelled: &empty,
            labels: &[],
            groups: &[],
            categories: &cats,
        };
        let s = score(&vectors(&[&[0.1, 1.0]]), &[0], &ev).unwrap();
        assert_eq!(s[0][0].category, 1);
        assert!(s[0][0].score > 0.9);
        assert!((s[0].iter().map(|x| x.score).sum::<f32>() - 1.0).abs() < 1e-4);
    }

    #[test]
    fn a_document_never_votes_for_its_own_group() {
        let cats = vectors(&[&[1.0, 0.0], &[0.0, 1.0]]);
        let labelled = vectors(&[&[1.0, 0.0]]);
        let labels = vec![vec![0]];
        let ev = Evidence {
            labelled: &labelled,
            labels: &labels,
            groups: &[7],
            categories: &cats,
        };
        let own = score(&vectors(&[&[1.0, 0.0]]), &[7], &ev).unwrap();
        assert_eq!(own[0][0].vote, 0.0);
        let other = score(&vectors(&[&[1.0, 0.0]]), &[8], &ev).unwrap();
        assert!((other[0][0].vote - 1.0).abs() < 1e-6);
    }
}
