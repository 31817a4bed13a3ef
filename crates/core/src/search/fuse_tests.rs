//! Each fusion function against values computed by hand.

use super::*;

fn list(ids: &[i64]) -> Vec<Ranked> {
    ids.iter()
        .map(|&chunk_id| Ranked {
            chunk_id,
            value: 0.0,
        })
        .collect()
}

fn scored(pairs: &[(i64, f64)]) -> Vec<Ranked> {
    pairs
        .iter()
        .map(|&(chunk_id, value)| Ranked { chunk_id, value })
        .collect()
}

fn ids(f: &[Fused]) -> Vec<i64> {
    f.iter().map(|x| x.chunk_id).collect()
}

/// Evidence of a list that matched `share` of the query and whose best hit stands fully out
/// (the distinctness factor 1 under any curve).
fn matched(share: f64) -> LexicalEvidence {
    LexicalEvidence {
        matched: share,
        distinctness: 1.0,
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn agreement_beats_a_single_first_place() {
    let a = list(&[1, 2, 3]);
    let b = list(&[2, 4, 1]);
    let f = rrf(&[&a, &b], &[1.0, 1.0], 60.0, 10);
    // 2: 1/62 + 1/61; 1: 1/61 + 1/63; 4: 1/62; 3: 1/63.
    assert_eq!(ids(&f), [2, 1, 4, 3]);
    assert_eq!(f[0].ranks, [Some(2), Some(1)]);
    assert!(close(f[0].score, 1.0 / 62.0 + 1.0 / 61.0));
    assert_eq!(f[0].normalized, [Some(1.0 / 62.0), Some(1.0 / 61.0)]);
    assert_eq!(f[2].ranks, [None, Some(2)]);
}

#[test]
fn weights_tilt_the_order_and_zero_weight_silences_a_list() {
    let a = list(&[1, 2]);
    let b = list(&[2, 1]);
    let tilt = rrf(&[&a, &b], &[2.0, 1.0], 60.0, 10);
    assert_eq!(tilt[0].chunk_id, 1);
    let only_b = rrf(&[&a, &b], &[0.0, 1.0], 60.0, 10);
    assert_eq!(ids(&only_b), [2, 1]);
}

#[test]
fn ties_break_by_chunk_id_and_k_truncates() {
    let a = list(&[9]);
    let b = list(&[3]);
    let f = rrf(&[&a, &b], &[1.0, 1.0], 60.0, 10);
    assert_eq!(ids(&f), [3, 9]);
    assert_eq!(rrf(&[&a, &b], &[1.0, 1.0], 60.0, 1).len(), 1);
    assert!(rrf(&[], &[], 60.0, 10).is_empty());
    assert!(convex(&[], &[], FusionMethod::Minmax, 10).is_empty());
}

#[test]
fn a_duplicate_in_one_list_counts_once_at_its_best_rank() {
    let a = list(&[5, 5, 6]);
    let f = rrf(&[&a], &[1.0], 60.0, 10);
    assert_eq!(f[0].ranks, [Some(1)]);
    assert!(close(f[0].score, 1.0 / 61.0));
}

#[test]
fn min_max_and_z_score_normalisation_by_hand() {
    let (n, floor) = normalize(&[10.0, 6.0, 2.0], FusionMethod::Minmax);
    assert_eq!(n, [1.0, 0.5, 0.0]);
    assert_eq!(floor, 0.0);
    // All equal: every listed hit is the best.
    assert_eq!(normalize(&[3.0, 3.0], FusionMethod::Minmax).0, [1.0, 1.0]);
    // mean 6, population sd sqrt(32/3) = 3.2660; z = ±1.2247, 0.
    let (z, floor) = normalize(&[10.0, 6.0, 2.0], FusionMethod::Zscore);
    let sd = (32.0f64 / 3.0).sqrt();
    assert!(close(z[0], 4.0 / sd) && close(z[1], 0.0) && close(z[2], -4.0 / sd));
    assert!(close(floor, -4.0 / sd));
    assert_eq!(normalize(&[1.0], FusionMethod::Zscore), (vec![0.0], 0.0));
    assert_eq!(normalize(&[], FusionMethod::Zscore), (vec![], 0.0));
}

#[test]
fn convex_min_max_by_hand() {
    // BM25 scores 8, 4, 0 (-> 1, 0.5, 0); vector similarities 0.9, 0.7, 0.5 (-> 1, 0.5, 0).
    let b = scored(&[(1, 8.0), (2, 4.0), (3, 0.0)]);
    let v = scored(&[(3, 0.9), (4, 0.7), (1, 0.5)]);
    let f = convex(&[&b, &v], &[0.25, 0.75], FusionMethod::Minmax, 10);
    // 1: .25·1 + .75·0 = .25; 2: .25·.5 + 0 = .125; 3: 0 + .75 = .75; 4: 0 + .75·.5 = .375.
    assert_eq!(ids(&f), [3, 4, 1, 2]);
    let by = |id: i64| f.iter().find(|x| x.chunk_id == id).map(|x| x.score);
    assert!(close(by(3).unwrap_or(-1.0), 0.75));
    assert!(close(by(4).unwrap_or(-1.0), 0.375));
    assert!(close(by(1).unwrap_or(-1.0), 0.25));
    assert!(close(by(2).unwrap_or(-1.0), 0.125));
    let one = &f[2];
    assert_eq!(one.ranks, [Some(1), Some(3)]);
    assert_eq!(one.normalized, [Some(1.0), Some(0.0)]);
    assert_eq!(f[1].normalized[0], None);
    assert!(close(f[1].normalized[1].unwrap_or(-1.0), 0.5));
}

#[test]
fn convex_z_score_gives_absent_chunks_the_list_floor() {
    // BM25 3, 1 -> z 1, -1 (floor -1); vector .8, .6, .4 -> z 1.2247, 0, -1.2247.
    let b = scored(&[(1, 3.0), (2, 1.0)]);
    let v = scored(&[(2, 0.8), (3, 0.6), (4, 0.4)]);
    let f = convex(&[&b, &v], &[0.5, 0.5], FusionMethod::Zscore, 10);
    let zv = (1.5f64).sqrt(); // 0.2 / sd, sd = sqrt(0.08/3)
    let by = |id: i64| {
        f.iter()
            .find(|x| x.chunk_id == id)
            .map(|x| x.score)
            .unwrap_or(f64::NAN)
    };
    // 1: .5·1 + .5·(−zv) = −.112; 2: .5·(−1) + .5·zv = .112; 3: .5·(−1) + .5·0; 4: .5·(−1) + .5·(−zv).
    assert!(close(by(1), 0.5 - 0.5 * zv));
    assert!(close(by(2), -0.5 + 0.5 * zv));
    assert!(close(by(3), -0.5));
    assert!(close(by(4), -0.5 - 0.5 * zv));
    assert_eq!(ids(&f), [2, 1, 3, 4]);
}

#[test]
fn a_zero_weight_list_brings_in_no_chunk_and_explain_names_its_ranks() {
    let b = scored(&[(1, 5.0), (2, 1.0)]);
    let v = scored(&[(3, 0.9), (2, 0.1)]);
    let mut f = convex(&[&b, &v], &[0.0, 1.0], FusionMethod::Minmax, 10);
    assert_eq!(ids(&f), [3, 2]);
    assert_eq!(f[1].ranks, [None, Some(2)]);
    explain(&mut f, &[&b, &v], FusionMethod::Minmax, 60.0);
    assert_eq!(f[1].ranks, [Some(2), Some(2)]);
    assert_eq!(f[1].normalized, [Some(0.0), Some(0.0)]);
    let mut r = rrf(&[&b, &v], &[0.0, 1.0], 60.0, 10);
    explain(&mut r, &[&b, &v], FusionMethod::Rrf, 60.0);
    assert_eq!(
        r.iter().find(|x| x.chunk_id == 2).map(|x| x.ranks.clone()),
        Some(vec![Some(2), Some(2)])
    );
}

#[test]
fn lexical_evidence_is_the_best_hits_share_of_the_query_idf() {
    // Query idf mass 6 (terms of idf 1, 2, 3); hits matched 5 (2+3), 3, 1.
    assert!(close(lexical_evidence(&[5.0, 3.0, 1.0], 6.0), 5.0 / 6.0));
    // Not necessarily in score order: the best match counts.
    assert!(close(lexical_evidence(&[1.0, 6.0], 6.0), 1.0));
    assert_eq!(lexical_evidence(&[], 6.0), 0.0);
    assert_eq!(lexical_evidence(&[1.0], 0.0), 0.0);
    assert_eq!(lexical_evidence(&[1.0], f64::NAN), 0.0);
    // Only the first EVIDENCE_HITS hits are looked at.
    let mut m = vec![0.5; EVIDENCE_HITS];
    m.push(6.0);
    assert!(close(lexical_evidence(&m, 6.0), 0.5 / 6.0));
}

#[test]
fn the_evidence_curve_gives_no_say_at_or_below_its_floor_and_rescales_above() {
    let square = EvidenceCurve {
        floor: 0.0,
        power: 2,
        distinct_full: 0.0,
        distinct_power: 1,
    };
    assert!(close(square.scale(0.5), 0.25));
    assert_eq!(square.scale(0.0), 0.0);
    let linear = EvidenceCurve {
        floor: 0.4,
        power: 1,
        distinct_full: 0.0,
        distinct_power: 1,
    };
    // At and below the floor: nothing; 0.7 is half-way from 0.4 to 1.
    assert_eq!(linear.scale(0.3), 0.0);
    assert_eq!(linear.scale(0.4), 0.0);
    assert!(close(linear.scale(0.7), 0.5));
    assert!(close(linear.scale(1.0), 1.0));
    let c = EvidenceCurve {
        floor: 0.5,
        power: 2,
        distinct_full: 0.0,
        distinct_power: 1,
    };
    // (0.75 − 0.5) / 0.5 = 0.5, squared 0.25; out of range and NaN are clamped first.
    assert!(close(c.scale(0.75), 0.25));
    assert!(close(c.scale(1.2), 1.0));
    assert_eq!(c.scale(-1.0), 0.0);
    assert_eq!(c.scale(f64::NAN), 0.0);
}

#[test]
fn query_weights_follow_the_evidence() {
    let w = Weights {
        bm25: 1.0,
        vector: 1.0,
    };
    let square = EvidenceCurve {
        floor: 0.0,
        power: 2,
        distinct_full: 0.0,
        distinct_power: 1,
    };
    let q = |m, e: Option<f64>| query_weights_with(w, m, e.map(matched), square);
    // Convex: normalised to sum 1.
    assert_eq!(
        q(FusionMethod::Minmax, None),
        Weights {
            bm25: 0.5,
            vector: 0.5
        }
    );
    // Full evidence keeps the weights; half evidence: 1·0.5² = 0.25 against 1 -> 0.2, 0.8.
    assert_eq!(q(FusionMethod::Minmax, Some(1.0)).bm25, 0.5);
    let half = q(FusionMethod::Zscore, Some(0.5));
    assert!(close(half.bm25, 0.2) && close(half.vector, 0.8));
    // No match: the lexical side gets no say.
    let none = q(FusionMethod::Minmax, Some(0.0));
    assert_eq!((none.bm25, none.vector), (0.0, 1.0));
    // RRF keeps the scale.
    let r = q(FusionMethod::Rrf, Some(0.5));
    assert!(close(r.bm25, 0.25) && close(r.vector, 1.0));
    let zero = Weights {
        bm25: 0.0,
        vector: 0.0,
    };
    assert_eq!(
        query_weights_with(zero, FusionMethod::Minmax, Some(matched(1.0)), square),
        zero
    );
    // With a floor of 0.5: 0.5 gives BM25 no say; 0.75 -> 0.5² = 0.25 -> 0.2 : 0.8 (z-score).
    let floored = EvidenceCurve {
        floor: 0.5,
        power: 2,
        distinct_full: 0.0,
        distinct_power: 1,
    };
    let at = query_weights_with(w, FusionMethod::Zscore, Some(matched(0.5)), floored);
    assert_eq!((at.bm25, at.vector), (0.0, 1.0));
    let above = query_weights_with(w, FusionMethod::Zscore, Some(matched(0.75)), floored);
    assert!(close(above.bm25, 0.2) && close(above.vector, 0.8));
    // 0.8 : 0.2 and e = 0.75: 0.8·0.25 = 0.2 against 0.2 -> 0.5 : 0.5.
    let w82 = Weights {
        bm25: 0.8,
        vector: 0.2,
    };
    let d = query_weights_with(w82, FusionMethod::Zscore, Some(matched(0.75)), floored);
    assert!(close(d.bm25, 0.5) && close(d.vector, 0.5));
    // query_weights is the same with the curve searches use.
    for e in [0.0, 0.2, 0.45, 0.6, 0.9, 1.0] {
        assert_eq!(
            query_weights(w, FusionMethod::Zscore, Some(matched(e))),
            query_weights_with(w, FusionMethod::Zscore, Some(matched(e)), EVIDENCE_CURVE)
        );
    }
}

#[test]
fn lexical_distinctness_is_how_far_the_best_hit_stands_above_the_tenth() {
    let ten: Vec<f64> = (0..12).map(|i| 20.0 - f64::from(i)).collect();
    // (20 − 11) / 20.
    assert!(close(lexical_distinctness(&ten, 50), 0.45));
    // Fewer hits than the depth: every matching document is listed, the tenth scores 0.
    assert_eq!(lexical_distinctness(&[8.0, 7.0, 1.0], 50), 1.0);
    // A depth below ten: the last hit stands in for the tenth.
    assert!(close(lexical_distinctness(&[8.0, 7.0, 6.0], 3), 0.25));
    // A flat list says nothing; no hit, a zero or NaN score: 0.
    assert_eq!(lexical_distinctness(&[5.0; 12], 50), 0.0);
    assert_eq!(lexical_distinctness(&[], 50), 0.0);
    assert_eq!(lexical_distinctness(&[0.0, 0.0], 50), 0.0);
    assert_eq!(lexical_distinctness(&[f64::NAN], 50), 0.0);
}

#[test]
fn the_distinctness_factor_scales_the_bm25_weight() {
    let c = EvidenceCurve {
        floor: 0.0,
        power: 2,
        distinct_full: 0.5,
        distinct_power: 2,
    };
    // At or above the full mark the factor is 1; below it (d / 0.5)², clamped to 0..=1 first.
    assert_eq!(c.distinct_scale(0.5), 1.0);
    assert_eq!(c.distinct_scale(0.9), 1.0);
    assert!(close(c.distinct_scale(0.25), 0.25));
    assert_eq!(c.distinct_scale(0.0), 0.0);
    assert_eq!(c.distinct_scale(f64::NAN), 0.0);
    assert_eq!(c.distinct_scale(-1.0), 0.0);
    // The factor multiplies the matched share's: 0.5² · (0.25 / 0.5)² = 0.0625.
    let e = LexicalEvidence {
        matched: 0.5,
        distinctness: 0.25,
    };
    assert!(close(c.factor(e), 0.0625));
    // 0.8 · 0.0625 = 0.05 against 0.2 -> 0.2 : 0.8 after normalising.
    let w = query_weights_with(
        Weights {
            bm25: 0.8,
            vector: 0.2,
        },
        FusionMethod::Zscore,
        Some(e),
        c,
    );
    assert!(close(w.bm25, 0.2) && close(w.vector, 0.8));
    // distinct_full 0 leaves distinctness out.
    let off = EvidenceCurve {
        distinct_full: 0.0,
        ..c
    };
    assert_eq!(off.distinct_scale(0.0), 1.0);
    assert!(close(off.factor(e), 0.25));
    // The curve searches use differs only in its full mark.
    assert_eq!(
        EVIDENCE_CURVE,
        EvidenceCurve {
            distinct_full: 0.6,
            ..c
        }
    );
}
