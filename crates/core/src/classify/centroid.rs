//! The centroid evidence: the cosine of a document to each category's mean labelled vector, as a
//! softmax over the categories that have examples. A held-out document's own group is left out
//! of the means (exactly for up to [`EXACT_GROUPS`] groups; beyond, a group's own share of a
//! centroid's norm is ignored).

use super::score::{Evidence, EXACT_GROUPS};

/// Temperature of the softmax over centroid similarities.
const CENTROID_TAU: f32 = 0.03;

/// The norm of each category's sum of labelled vectors, whole and without each group's own.
pub(super) struct CentroidNorms {
    whole: Vec<f32>,
    without: std::collections::HashMap<u32, Vec<f32>>,
}

impl CentroidNorms {
    pub(super) fn new(ev: &Evidence<'_>, n_cat: usize) -> Self {
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
pub(super) fn centroid_shares(
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
