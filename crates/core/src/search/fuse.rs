//! Reciprocal rank fusion: each retriever contributes `weight / (k + rank)` for every hit it
//! ranked (ranks from 1), so agreement between BM25 and vector search lifts a chunk without the
//! two scores having to share a scale. Ties break by chunk id for a stable order.

use std::collections::HashMap;

/// A chunk as one retriever ranked it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ranked {
    pub chunk_id: i64,
    /// BM25 score or cosine distance, kept for the explanation.
    pub value: f64,
}

/// What fusion made of one chunk: its fused score and its rank in each list (1-based).
#[derive(Debug, Clone, PartialEq)]
pub struct Fused {
    pub chunk_id: i64,
    pub score: f64,
    pub ranks: Vec<Option<usize>>,
}

/// Fuses ranked lists with weights (`lists[i]` is weighted `weights[i]`); `rrf_k` damps the
/// advantage of the very first ranks (60 in the original paper). Returns the best `k`.
pub fn rrf(lists: &[&[Ranked]], weights: &[f64], rrf_k: f64, k: usize) -> Vec<Fused> {
    let mut by_chunk: HashMap<i64, Fused> = HashMap::new();
    for (li, list) in lists.iter().enumerate() {
        let w = weights.get(li).copied().unwrap_or(1.0);
        for (pos, r) in list.iter().enumerate() {
            let entry = by_chunk.entry(r.chunk_id).or_insert_with(|| Fused {
                chunk_id: r.chunk_id,
                score: 0.0,
                ranks: vec![None; lists.len()],
            });
            if entry.ranks[li].is_none() {
                entry.ranks[li] = Some(pos + 1);
                entry.score += w / (rrf_k + (pos + 1) as f64);
            }
        }
    }
    let mut fused: Vec<Fused> = by_chunk
        .into_values()
        .filter(|f| f.score > 0.0 || weights.iter().all(|w| *w == 0.0))
        .collect();
    fused.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.chunk_id.cmp(&b.chunk_id))
    });
    fused.truncate(k);
    fused
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(ids: &[i64]) -> Vec<Ranked> {
        ids.iter()
            .map(|&chunk_id| Ranked {
                chunk_id,
                value: 0.0,
            })
            .collect()
    }

    #[test]
    fn agreement_beats_a_single_first_place() {
        let a = list(&[1, 2, 3]);
        let b = list(&[2, 4, 1]);
        let f = rrf(&[&a, &b], &[1.0, 1.0], 60.0, 10);
        let order: Vec<i64> = f.iter().map(|x| x.chunk_id).collect();
        // 2: 1/62 + 1/61; 1: 1/61 + 1/63; 4: 1/62; 3: 1/63.
        assert_eq!(order, [2, 1, 4, 3]);
        assert_eq!(f[0].ranks, [Some(2), Some(1)]);
        assert!((f[0].score - (1.0 / 62.0 + 1.0 / 61.0)).abs() < 1e-12);
        assert_eq!(f[2].ranks, [None, Some(2)]);
    }

    #[test]
    fn weights_tilt_the_order_and_zero_weight_silences_a_list() {
        let a = list(&[1, 2]);
        let b = list(&[2, 1]);
        let tilt = rrf(&[&a, &b], &[2.0, 1.0], 60.0, 10);
        assert_eq!(tilt[0].chunk_id, 1);
        let only_b = rrf(&[&a, &b], &[0.0, 1.0], 60.0, 10);
        assert_eq!(
            only_b.iter().map(|x| x.chunk_id).collect::<Vec<_>>(),
            [2, 1]
        );
    }

    #[test]
    fn ties_break_by_chunk_id_and_k_truncates() {
        let a = list(&[9]);
        let b = list(&[3]);
        let f = rrf(&[&a, &b], &[1.0, 1.0], 60.0, 10);
        assert_eq!(f.iter().map(|x| x.chunk_id).collect::<Vec<_>>(), [3, 9]);
        assert_eq!(rrf(&[&a, &b], &[1.0, 1.0], 60.0, 1).len(), 1);
        assert!(rrf(&[], &[], 60.0, 10).is_empty());
    }

    #[test]
    fn a_duplicate_in_one_list_counts_once_at_its_best_rank() {
        let a = list(&[5, 5, 6]);
        let f = rrf(&[&a], &[1.0], 60.0, 10);
        assert_eq!(f[0].ranks, [Some(1)]);
        assert!((f[0].score - 1.0 / 61.0).abs() < 1e-12);
    }
}
