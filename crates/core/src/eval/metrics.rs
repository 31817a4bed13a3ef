//! Ranking metrics of one query, with binary relevance: recall@k, reciprocal rank@k and nDCG@k
//! (gain 1 for a relevant document, discount 1 / log2(rank + 1); the ideal ranking puts
//! min(|relevant|, k) relevant documents first).

use std::collections::HashSet;

/// One query's scores.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct QueryScore {
    pub recall: f64,
    pub reciprocal_rank: f64,
    pub ndcg: f64,
}

/// Scores `ranked` (document ids, best first; a repeated id counts at its first place) against
/// `relevant`, looking at the first `k` distinct documents.
pub fn score(ranked: &[String], relevant: &[String], k: usize) -> QueryScore {
    let relevant: HashSet<&str> = relevant.iter().map(String::as_str).collect();
    if relevant.is_empty() || k == 0 {
        return QueryScore {
            recall: 0.0,
            reciprocal_rank: 0.0,
            ndcg: 0.0,
        };
    }
    let mut seen = HashSet::new();
    let top: Vec<&str> = ranked
        .iter()
        .map(String::as_str)
        .filter(|d| seen.insert(*d))
        .take(k)
        .collect();
    let mut found = 0usize;
    let mut first = None;
    let mut dcg = 0.0;
    for (i, d) in top.iter().enumerate() {
        if relevant.contains(d) {
            found += 1;
            first.get_or_insert(i + 1);
            dcg += 1.0 / ((i + 2) as f64).log2();
        }
    }
    let ideal: f64 = (0..relevant.len().min(k))
        .map(|i| 1.0 / ((i + 2) as f64).log2())
        .sum();
    QueryScore {
        recall: found as f64 / relevant.len() as f64,
        reciprocal_rank: first.map_or(0.0, |r| 1.0 / r as f64),
        ndcg: dcg / ideal,
    }
}

/// The mean of each score over queries (all 0 for none).
pub fn mean(scores: &[QueryScore]) -> QueryScore {
    let n = scores.len().max(1) as f64;
    QueryScore {
        recall: scores.iter().map(|s| s.recall).sum::<f64>() / n,
        reciprocal_rank: scores.iter().map(|s| s.reciprocal_rank).sum::<f64>() / n,
        ndcg: scores.iter().map(|s| s.ndcg).sum::<f64>() / n,
    }
}

/// The value at quantile `q` (nearest rank) of `xs`; 0 for none.
pub fn quantile(xs: &[f64], q: f64) -> f64 {
    let mut v: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    let i = ((v.len() as f64 * q).ceil() as usize).clamp(1, v.len()) - 1;
    v[i]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|x| x.to_string()).collect()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn hand_computed_cases() {
        // Relevant a, b; ranked x a y b: recall 1, RR 1/2, DCG 1/log2 3 + 1/log2 5,
        // IDCG 1 + 1/log2 3.
        let q = score(&s(&["x", "a", "y", "b"]), &s(&["a", "b"]), 10);
        assert!(close(q.recall, 1.0));
        assert!(close(q.reciprocal_rank, 0.5));
        let dcg = 1.0 / 3f64.log2() + 1.0 / 5f64.log2();
        let idcg = 1.0 + 1.0 / 3f64.log2();
        assert!(close(q.ndcg, dcg / idcg));
        // k = 3 cuts b off: recall 1/2, DCG 1/log2 3, IDCG unchanged (2 relevant, k 3).
        let q = score(&s(&["x", "a", "y", "b"]), &s(&["a", "b"]), 3);
        assert!(close(q.recall, 0.5));
        assert!(close(q.ndcg, (1.0 / 3f64.log2()) / idcg));
        // k = 1 and three relevant: IDCG is one place.
        let q = score(&s(&["a"]), &s(&["a", "b", "c"]), 1);
        assert!(close(q.ndcg, 1.0) && close(q.recall, 1.0 / 3.0));
        // Nothing relevant found.
        let q = score(&s(&["x", "y"]), &s(&["a"]), 10);
        assert_eq!((q.recall, q.reciprocal_rank, q.ndcg), (0.0, 0.0, 0.0));
    }

    #[test]
    fn repeated_documents_count_once_at_their_first_place() {
        // Two chunks of x, then a: a is the 2nd distinct document.
        let q = score(&s(&["x", "x", "a"]), &s(&["a"]), 2);
        assert!(close(q.reciprocal_rank, 0.5));
        assert!(close(q.ndcg, 1.0 / 3f64.log2()));
        let q = score(&s(&["a", "a"]), &s(&["a"]), 10);
        assert!(close(q.recall, 1.0) && close(q.ndcg, 1.0));
    }

    #[test]
    fn means_and_quantiles() {
        let a = QueryScore {
            recall: 1.0,
            reciprocal_rank: 0.5,
            ndcg: 0.25,
        };
        let b = QueryScore {
            recall: 0.0,
            reciprocal_rank: 1.0,
            ndcg: 0.75,
        };
        let m = mean(&[a, b]);
        assert_eq!((m.recall, m.reciprocal_rank, m.ndcg), (0.5, 0.75, 0.5));
        assert_eq!(mean(&[]).recall, 0.0);
        let xs: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!((quantile(&xs, 0.5), quantile(&xs, 0.95)), (50.0, 95.0));
        assert_eq!(quantile(&[], 0.5), 0.0);
    }
}
