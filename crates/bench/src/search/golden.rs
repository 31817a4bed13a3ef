//! Golden sets built from WordNet glosses, for `dtrag bench search` and the eval tests. A
//! document is `"<lemmas>. <gloss>"` (see scripts/wordnet_glosses.py); each query has exactly
//! one relevant document, the one it was made from.
//!
//! - **lexical**: the three rarest words of the document's gloss (corpus document frequency),
//!   which BM25 should nail and a sentence embedding may blur;
//! - **paraphrase**: words of the same meaning that the document does not contain: the
//!   hypernym's lemmas and WordNet synonyms of the gloss's words (another lemma of the synset a
//!   gloss word names), none sharing a stem with the document, so BM25 can only match other
//!   documents;
//! - **mixed**: one rare gloss word and one or two such paraphrase words, so both sides hold
//!   part of the answer.

use std::collections::{HashMap, HashSet};
use std::io::BufRead;
use std::path::Path;

use serde::Deserialize;

use crate::Picker;
use dtrag_core::eval::GoldenQuery;
use dtrag_core::{Error, Result};

/// A corpus document as the builder sees it.
#[derive(Debug, Clone)]
pub struct Doc {
    pub id: String,
    pub text: String,
}

/// What the builder reads of a WordNet noun.
#[derive(Debug, Clone, Deserialize)]
pub struct Noun {
    pub key: String,
    pub label: String,
    #[serde(default)]
    pub alt_labels: Vec<String>,
    #[serde(default)]
    pub parents: Vec<String>,
}

/// Reads the noun hierarchy file (wordnet-3.0-nouns.jsonl).
pub fn read_nouns(path: &Path) -> Result<Vec<Noun>> {
    let f = std::fs::File::open(path).map_err(|e| Error::io_path(path, e))?;
    let mut out = Vec::new();
    for (i, line) in std::io::BufReader::new(f).lines().enumerate() {
        let line = line.map_err(|e| Error::io_path(path, e))?;
        if line.trim().is_empty() {
            continue;
        }
        out.push(
            serde_json::from_str(&line)
                .map_err(|e| Error::bad_input(path, i + 1, e.to_string()))?,
        );
    }
    Ok(out)
}

const STOP: &[&str] = &[
    "the",
    "and",
    "for",
    "that",
    "with",
    "from",
    "this",
    "which",
    "into",
    "used",
    "being",
    "their",
    "other",
    "such",
    "than",
    "more",
    "most",
    "some",
    "when",
    "where",
    "have",
    "having",
    "made",
    "make",
    "very",
    "each",
    "also",
    "especially",
    "usually",
    "often",
    "something",
    "someone",
    "person",
    "thing",
    "having",
    "without",
    "about",
    "after",
    "before",
    "between",
    "under",
    "over",
    "through",
    "characterized",
    "relating",
    "consisting",
    "certain",
    "kind",
    "part",
];

/// Lower-case alphabetic words of at least four letters, not stop words.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= 4)
        .map(str::to_lowercase)
        .filter(|w| !STOP.contains(&w.as_str()))
        .collect()
}

/// A crude stem (the first six letters): enough to keep "neighbourhood" out of a query for a
/// document saying "neighborhood", as the English stemmer BM25 uses would match them.
fn stem(w: &str) -> String {
    w.chars().take(6).collect()
}

/// The gloss of a document: what follows its lemma list.
fn gloss(text: &str) -> &str {
    text.split_once(". ").map_or(text, |(_, g)| g)
}

/// The three sets, `per_set` queries each at most (fewer when the corpus has too few candidates).
pub struct GoldenSets {
    pub lexical: Vec<GoldenQuery>,
    pub paraphrase: Vec<GoldenQuery>,
    pub mixed: Vec<GoldenQuery>,
}

/// Builds the sets over `docs` (noun documents are those whose id is a key of `nouns`).
pub fn build(docs: &[Doc], nouns: &[Noun], per_set: usize, seed: u64) -> GoldenSets {
    let by_key: HashMap<&str, &Noun> = nouns.iter().map(|n| (n.key.as_str(), n)).collect();
    // One-word lemmas of each noun synset, by each of its one-word lemmas: the synonyms.
    let mut synonyms: HashMap<String, Vec<String>> = HashMap::new();
    for n in nouns {
        let lemmas: Vec<String> = std::iter::once(&n.label)
            .chain(&n.alt_labels)
            .map(|l| l.to_lowercase())
            .filter(|l| l.chars().all(char::is_alphabetic) && l.chars().count() >= 4)
            .collect();
        for l in &lemmas {
            let e = synonyms.entry(l.clone()).or_default();
            for other in &lemmas {
                if other != l && !e.contains(other) {
                    e.push(other.clone());
                }
            }
        }
    }
    let mut df: HashMap<String, usize> = HashMap::new();
    for d in docs {
        let uniq: HashSet<String> = words(&d.text).into_iter().collect();
        for w in uniq {
            *df.entry(w).or_default() += 1;
        }
    }

    let mut pick = Picker::new(seed);
    let mut order: Vec<usize> = (0..docs.len()).collect();
    // Fisher–Yates with the deterministic picker: the same sets on every run.
    for i in (1..order.len()).rev() {
        order.swap(i, pick.below(i + 1));
    }
    let mut sets = GoldenSets {
        lexical: Vec::new(),
        paraphrase: Vec::new(),
        mixed: Vec::new(),
    };
    for &i in &order {
        let d = &docs[i];
        let doc_stems: HashSet<String> = words(&d.text).iter().map(|w| stem(w)).collect();
        let mut rare: Vec<String> = words(gloss(&d.text));
        rare.sort_by_key(|w| (df.get(w).copied().unwrap_or(0), w.clone()));
        rare.dedup();
        let paraphrase = paraphrase_words(d, &by_key, &synonyms, &doc_stems);
        let q = |text: String| GoldenQuery::new(text, vec![d.id.clone()]);
        // Each document serves one set at most, so the sets are independent.
        if sets.paraphrase.len() < per_set && paraphrase.len() >= 2 {
            sets.paraphrase.push(q(paraphrase
                .iter()
                .take(3)
                .cloned()
                .collect::<Vec<_>>()
                .join(" ")));
        } else if sets.mixed.len() < per_set && !paraphrase.is_empty() && !rare.is_empty() {
            let mut ws = vec![rare[0].clone()];
            ws.extend(paraphrase.iter().take(2).cloned());
            sets.mixed.push(q(ws.join(" ")));
        } else if sets.lexical.len() < per_set && rare.len() >= 3 {
            sets.lexical.push(q(rare[..3].join(" ")));
        }
        if sets.lexical.len() >= per_set
            && sets.paraphrase.len() >= per_set
            && sets.mixed.len() >= per_set
        {
            break;
        }
    }
    sets
}

/// Words meaning what the document says without any of its stems: the hypernyms' lemmas, then
/// synonyms of its gloss words.
fn paraphrase_words(
    d: &Doc,
    by_key: &HashMap<&str, &Noun>,
    synonyms: &HashMap<String, Vec<String>>,
    doc_stems: &HashSet<String>,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let push = |w: String, out: &mut Vec<String>| {
        let ws = words(&w);
        let fresh = !ws.is_empty()
            && ws.iter().all(|x| !doc_stems.contains(&stem(x)))
            && !out.iter().any(|o| stem(o) == stem(&w));
        if fresh {
            out.push(w);
        }
        fresh
    };
    if let Some(n) = by_key.get(d.id.as_str()) {
        for p in &n.parents {
            if let Some(parent) = by_key.get(p.as_str()) {
                for l in std::iter::once(&parent.label).chain(&parent.alt_labels) {
                    push(l.to_lowercase(), &mut out);
                }
            }
        }
    }
    for w in words(gloss(&d.text)) {
        for s in synonyms.get(&w).into_iter().flatten() {
            if push(s.clone(), &mut out) {
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sets_follow_their_rules() {
        let nouns = vec![
            Noun {
                key: "hood".into(),
                label: "hood".into(),
                alt_labels: vec![],
                parents: vec!["vicinity".into()],
            },
            Noun {
                key: "vicinity".into(),
                label: "vicinity".into(),
                alt_labels: vec!["locality".into()],
                parents: vec![],
            },
            Noun {
                key: "neighborhood".into(),
                label: "neighborhood".into(),
                alt_labels: vec!["neighbourhood".into(), "district".into()],
                parents: vec![],
            },
        ];
        let docs = vec![
            Doc {
                id: "hood".into(),
                text: "hood. (slang) a neighborhood with crowded streets".into(),
            },
            Doc {
                id: "vicinity".into(),
                text: "vicinity, locality. a surrounding or nearby region".into(),
            },
        ];
        let s = build(&docs, &nouns, 5, 1);
        // hood: hypernym lemmas vicinity, locality; "neighbourhood" shares the stem of
        // "neighborhood" and is left out for its next synonym, "district".
        let p: Vec<&str> = s.paraphrase.iter().map(|q| q.query.as_str()).collect();
        assert_eq!(p, ["vicinity locality district"], "{p:?}");
        assert_eq!(s.paraphrase[0].relevant, ["hood"]);
        assert!(s.lexical.iter().all(|q| q.query.split(' ').count() == 3));
    }
}
