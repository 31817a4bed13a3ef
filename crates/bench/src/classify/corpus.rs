//! The classification corpus, built from the WordNet 3.0 noun hierarchy: categories picked from
//! the hierarchy, a taxonomy of them and their ancestors, and one document per descendant synset
//! (its lemma and gloss) whose true categories are the picked ancestors it falls under.

use std::collections::{BTreeMap, HashMap, HashSet};

use dtrag_core::documents::DocInput;
use dtrag_core::taxonomy::import::ImportFile;
use dtrag_core::taxonomy::model::NodeFull;
use dtrag_core::{Error, Result};

use crate::Picker;

/// How categories are picked: synsets whose shortest path from `entity` is between `min_depth`
/// and `max_depth` edges and that have between `min_size` and `max_size` descendants, largest
/// first, never one inside another (so every category is a distinct branch of the DAG).
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct CategoryRule {
    pub count: usize,
    pub min_depth: usize,
    pub max_depth: usize,
    pub min_size: usize,
    pub max_size: usize,
}

impl CategoryRule {
    /// Depths 4–6 and 100–2,000 descendants give topical categories (body part, food, drug,
    /// container, worker, natural language, bird genus, ...). Higher up (depth 3) the picks are
    /// WordNet's abstract upper ontology (part, quality, property, state), which no document
    /// taxonomy would use; the size bounds keep a category big enough to sample and small
    /// enough that one branch (organism, artifact) does not swallow the corpus.
    pub fn with_count(count: usize) -> Self {
        CategoryRule {
            count,
            min_depth: 4,
            max_depth: 6,
            min_size: 100,
            max_size: 2_000,
        }
    }
}

/// A document of the corpus and the categories (keys) it truly belongs to.
#[derive(Debug, Clone)]
pub struct Doc {
    pub input: DocInput,
    pub truth: Vec<String>,
}

pub struct Corpus {
    /// The categories and all their ancestors, as an import file.
    pub taxonomy: ImportFile,
    /// The picked categories (keys), largest first.
    pub categories: Vec<String>,
    /// Their labels and descendant counts, for the report.
    pub category_labels: Vec<(String, usize)>,
    pub docs: Vec<Doc>,
}

/// The hierarchy with dense indices.
struct Graph {
    keys: Vec<String>,
    /// Every ancestor of each node (sorted).
    ancestors: Vec<Vec<u32>>,
    depth: Vec<usize>,
}

fn graph(nodes: &BTreeMap<String, NodeFull>) -> Result<Graph> {
    let keys: Vec<String> = nodes.keys().cloned().collect();
    let index: HashMap<&str, u32> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i as u32))
        .collect();
    let parents: Vec<Vec<u32>> = nodes
        .values()
        .map(|n| {
            n.parents
                .iter()
                .filter_map(|p| index.get(p.as_str()).copied())
                .collect()
        })
        .collect();
    let mut children = vec![Vec::new(); keys.len()];
    for (c, ps) in parents.iter().enumerate() {
        for &p in ps {
            children[p as usize].push(c as u32);
        }
    }
    // Parents before children (Kahn), so ancestor sets are built from finished parents.
    let mut waiting: Vec<usize> = parents.iter().map(Vec::len).collect();
    let mut order: Vec<u32> = (0..keys.len() as u32)
        .filter(|&i| waiting[i as usize] == 0)
        .collect();
    let mut depth = vec![usize::MAX; keys.len()];
    for &r in &order {
        depth[r as usize] = 0;
    }
    let mut at = 0;
    while at < order.len() {
        let n = order[at] as usize;
        at += 1;
        for &c in &children[n] {
            depth[c as usize] = depth[c as usize].min(depth[n] + 1);
            waiting[c as usize] -= 1;
            if waiting[c as usize] == 0 {
                order.push(c);
            }
        }
    }
    if order.len() != keys.len() {
        return Err(Error::Invalid("the WordNet hierarchy has a cycle".into()));
    }
    let mut ancestors: Vec<Vec<u32>> = vec![Vec::new(); keys.len()];
    for &n in &order {
        let mut set: Vec<u32> = Vec::new();
        for &p in &parents[n as usize] {
            set.push(p);
            set.extend_from_slice(&ancestors[p as usize]);
        }
        set.sort_unstable();
        set.dedup();
        ancestors[n as usize] = set;
    }
    Ok(Graph {
        keys,
        ancestors,
        depth,
    })
}

/// Picks the categories, samples `per_category` descendants of each (deterministically), and
/// builds the taxonomy and the documents.
pub fn build(nouns: ImportFile, rule: CategoryRule, documents: usize) -> Result<Corpus> {
    let g = graph(&nouns.nodes)?;
    let n = g.keys.len();
    let mut size = vec![0usize; n];
    for anc in &g.ancestors {
        for &a in anc {
            size[a as usize] += 1;
        }
    }
    let mut candidates: Vec<u32> = (0..n as u32)
        .filter(|&i| {
            let (d, s) = (g.depth[i as usize], size[i as usize]);
            (rule.min_depth..=rule.max_depth).contains(&d)
                && (rule.min_size..=rule.max_size).contains(&s)
        })
        .collect();
    candidates.sort_by(|&a, &b| size[b as usize].cmp(&size[a as usize]).then(a.cmp(&b)));
    let mut chosen: Vec<u32> = Vec::new();
    for c in candidates {
        let nested = chosen.iter().any(|&k| {
            g.ancestors[c as usize].binary_search(&k).is_ok()
                || g.ancestors[k as usize].binary_search(&c).is_ok()
        });
        if !nested {
            chosen.push(c);
            if chosen.len() == rule.count {
                break;
            }
        }
    }
    if chosen.len() < 2 {
        return Err(Error::Invalid(format!(
            "only {} WordNet synsets fit the category rule {rule:?}",
            chosen.len()
        )));
    }
    let chosen_set: HashSet<u32> = chosen.iter().copied().collect();

    // The taxonomy: the categories and everything above them (parents of a kept node are its
    // ancestors, hence kept too).
    let mut kept: HashSet<u32> = chosen_set.clone();
    for &c in &chosen {
        kept.extend(g.ancestors[c as usize].iter().copied());
    }
    let taxonomy = ImportFile {
        nodes: kept
            .iter()
            .map(|&i| {
                let key = &g.keys[i as usize];
                (key.clone(), nouns.nodes[key].clone())
            })
            .collect(),
    };

    // Descendants of each category, and the truth of each: the categories above it.
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); chosen.len()];
    let slot: HashMap<u32, usize> = chosen.iter().enumerate().map(|(s, &c)| (c, s)).collect();
    let mut truth: HashMap<u32, Vec<u32>> = HashMap::new();
    for (i, anc) in g.ancestors.iter().enumerate() {
        let above: Vec<u32> = anc
            .iter()
            .copied()
            .filter(|a| chosen_set.contains(a))
            .collect();
        for a in &above {
            members[slot[a]].push(i as u32);
        }
        if !above.is_empty() {
            truth.insert(i as u32, above);
        }
    }
    let per_category = documents.div_ceil(chosen.len()).max(1);
    let mut pick = Picker::new(2024);
    let mut taken: Vec<u32> = Vec::new();
    let mut seen: HashSet<u32> = HashSet::new();
    for m in &mut members {
        // A partial Fisher–Yates shuffle: the first `per_category` unseen members.
        let mut got = 0;
        let mut i = 0;
        while got < per_category && i < m.len() {
            let j = i + pick.below(m.len() - i);
            m.swap(i, j);
            if seen.insert(m[i]) {
                taken.push(m[i]);
                got += 1;
            }
            i += 1;
        }
    }
    taken.truncate(documents);
    let docs = taken
        .iter()
        .map(|&i| {
            let key = &g.keys[i as usize];
            let node = &nouns.nodes[key];
            Doc {
                input: DocInput {
                    source_id: key.clone(),
                    title: node.content.label.clone(),
                    text: format!("{}. {}", node.content.label, node.content.description),
                    categories: Vec::new(),
                },
                truth: truth[&i]
                    .iter()
                    .map(|&c| g.keys[c as usize].clone())
                    .collect(),
            }
        })
        .collect();
    Ok(Corpus {
        category_labels: chosen
            .iter()
            .map(|&c| {
                let key = &g.keys[c as usize];
                (nouns.nodes[key].content.label.clone(), size[c as usize])
            })
            .collect(),
        categories: chosen.iter().map(|&c| g.keys[c as usize].clone()).collect(),
        taxonomy,
        docs,
    })
}

/// Labels `share` of the documents by hand (their true categories become human labels), chosen
/// at random with a fixed seed; returns how many.
pub fn label_share(docs: &mut [Doc], share: f32) -> usize {
    let want = ((docs.len() as f64) * f64::from(share)).round() as usize;
    let mut order: Vec<usize> = (0..docs.len()).collect();
    let mut pick = Picker::new(99);
    for i in 0..want.min(order.len()) {
        let j = i + pick.below(order.len() - i);
        order.swap(i, j);
        let d = &mut docs[order[i]];
        d.input.categories = d.truth.clone();
    }
    want.min(docs.len())
}
