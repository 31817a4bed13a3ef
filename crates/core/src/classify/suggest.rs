//! From scored candidates to suggestions, and from suggestions to a decision.
//!
//! Scores respect the DAG: a document under a category is under all its ancestors, so an ancestor
//! of a better-ranked candidate adds nothing and is dropped — suggestions are the most specific
//! categories. A suggestion's strength is its score plus its margin over the next suggestion
//! (a clear winner is stronger than one of two near-equals); the calibration maps strength to
//! confidence.

use super::calibrate::Calibration;
use super::load::Categories;
use super::score::Scored;
use super::write::{DocOutcome, Pick};

/// Suggestions per queue item.
pub const SHOWN: usize = 3;
/// A candidate with less than this share of the best one's score is noise, not a suggestion.
const MIN_SHARE: f32 = 0.1;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Suggestion {
    pub category: u32,
    pub score: f32,
    pub strength: f32,
    pub vote: f32,
    pub text_similarity: f32,
}

/// The top [`SHOWN`] most specific candidates that `allowed` admits, with their strengths.
pub fn suggestions(
    cats: &Categories,
    cands: &[Scored],
    allowed: impl Fn(u32) -> bool,
) -> Vec<Suggestion> {
    let mut kept: Vec<&Scored> = Vec::new();
    let floor = cands.first().map_or(0.0, |c| c.score * MIN_SHARE);
    for c in cands {
        if !allowed(c.category)
            || kept
                .iter()
                .any(|k| cats.is_ancestor(c.category, k.category))
        {
            continue;
        }
        if !kept.is_empty() && c.score < floor {
            break;
        }
        // A descendant ranked lower than its ancestor replaces nothing: both stay, best first.
        kept.push(c);
        if kept.len() > SHOWN {
            break;
        }
    }
    let mut out = Vec::with_capacity(SHOWN);
    for (i, k) in kept.iter().enumerate().take(SHOWN) {
        let next = kept.get(i + 1).map_or(0.0, |n| n.score);
        out.push(Suggestion {
            category: k.category,
            score: k.score,
            strength: k.score + (k.score - next).max(0.0),
            vote: k.vote,
            text_similarity: k.text_similarity,
        });
    }
    out
}

/// Auto-accepts the suggestions at or above `threshold`; with none, the document is queued with
/// all its suggestions.
pub fn decide(
    doc: i64,
    s: &[Suggestion],
    cats: &Categories,
    calibration: &Calibration,
    threshold: Option<f32>,
    audit_drawn: impl Fn(i64) -> bool,
) -> DocOutcome {
    let conf: Vec<Pick> = s
        .iter()
        .map(|x| Pick {
            node: cats.ids[x.category as usize],
            // Without a fit (too few labels), the raw score: an honest "how much of the
            // evidence", never a clamped strength that would read as certainty.
            confidence: if calibration.z.is_empty() {
                x.score.clamp(0.0, 1.0)
            } else {
                calibration.confidence(x.strength)
            },
            vote: x.vote,
            text_similarity: x.text_similarity,
        })
        .collect();
    let top = conf.first().map_or(0.0, |c| c.confidence);
    let second = conf.get(1).map_or(0.0, |c| c.confidence);
    let auto: Vec<Pick> = match threshold {
        Some(t) => conf.iter().copied().filter(|c| c.confidence >= t).collect(),
        None => Vec::new(),
    };
    let audit_sample = !auto.is_empty() && audit_drawn(doc);
    DocOutcome {
        document: doc,
        pending: if auto.is_empty() { conf } else { Vec::new() },
        auto,
        top_confidence: top.clamp(0.0, 1.0),
        margin: (top - second).clamp(0.0, 1.0),
        audit_sample,
    }
}
