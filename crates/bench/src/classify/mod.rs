//! `dtrag bench classify`: the classifier and the review queue on data built from WordNet 3.0,
//! in a scratch database.
//!
//! 1. Quality: categories picked from the noun hierarchy ([`corpus`]), a taxonomy of them and
//!    their ancestors, one document per sampled descendant synset (lemma and gloss) whose truth
//!    is the category above it; a share labelled by hand, all embedded by the local MiniLM, the
//!    rest classified and graded against the truth ([`quality`]).
//! 2. Throughput: `scale` documents with noisy copies of those real vectors, classified in one
//!    run ([`scale`]).
//! 3. The queue: the same documents re-classified at precision 1.0 so nearly all wait for a
//!    person; pages, `next`, decisions and the metrics timed ([`queue`]).
//!
//! The functions timed are the ones `dtrag_api::review` calls one for one
//! (`classify::classify`, `review::{list, next, decide, stats}`).

mod corpus;
mod quality;
mod queue;
mod report;
mod scale;

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;
use sqlx::PgPool;

use dtrag_core::models::{self as store, EmbedderSource, HnswSettings, NewModel, Provider};
use dtrag_core::taxonomy::import;
use dtrag_core::{Error, Result};
use dtrag_embed::local::{LocalMiniLm, MINILM, MINILM_DIMS};
use dtrag_embed::Embedder;

pub use corpus::CategoryRule;
pub use quality::{CurveRow, Measured, Quality};
pub use queue::{Page, Queue};
pub use scale::Scale;

/// The benchmark's size knobs.
#[derive(Debug, Clone, Serialize)]
pub struct Options {
    /// Categories picked from the WordNet noun hierarchy.
    pub categories: usize,
    /// Real documents (one per synset) for the quality measurement.
    pub documents: usize,
    /// Share of them labelled by hand.
    pub labelled_share: f32,
    /// Documents with (noisy copies of real) vectors for the throughput and queue measurements.
    pub scale: usize,
    /// Queue decisions timed.
    pub decisions: usize,
    /// The target precision of auto-accepted suggestions.
    pub precision: f32,
    /// Further quality runs, each in a scratch database of its own, to show how the number of
    /// categories and of labelled documents per category move the figures.
    pub compare: Vec<Level>,
}

/// The size of a quality run: categories picked, and real documents sampled under them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Level {
    pub categories: usize,
    pub documents: usize,
}

impl std::str::FromStr for Level {
    type Err = String;
    /// `CATEGORIES:DOCUMENTS`, e.g. `60:3000`.
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let (c, d) = s
            .split_once(':')
            .ok_or_else(|| format!("expected CATEGORIES:DOCUMENTS such as 60:3000, got {s:?}"))?;
        let number = |x: &str| {
            x.trim()
                .parse::<usize>()
                .map_err(|_| format!("{x:?} is not a whole number (in {s:?})"))
        };
        let level = Level {
            categories: number(c)?,
            documents: number(d)?,
        };
        if level.categories == 0 || level.documents < 10 {
            return Err(format!(
                "{s:?}: at least one category and ten documents are needed"
            ));
        }
        Ok(level)
    }
}

impl Default for Options {
    fn default() -> Self {
        // 20 topical categories with ~120 labelled documents each: a curated seed set of the
        // size a team labels in an afternoon. The comparisons show fewer labels per category
        // (20 x ~60) and a finer taxonomy (60 x ~20), where the targets are out of reach.
        Options {
            categories: 20,
            documents: 6_000,
            labelled_share: 0.4,
            scale: 100_000,
            decisions: 200,
            precision: 0.9,
            compare: vec![
                Level {
                    categories: 20,
                    documents: 3_000,
                },
                Level {
                    categories: 60,
                    documents: 3_000,
                },
            ],
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub options: Options,
    pub rule: CategoryRule,
    /// The picked categories' labels and descendant counts, largest first.
    pub category_labels: Vec<(String, usize)>,
    /// The first document's text, to show what a document is.
    pub example: String,
    /// Taxonomy nodes with two or more parents.
    pub two_parents: usize,
    pub quality: Quality,
    pub scale: Scale,
    pub queue: Queue,
    /// The quality runs at the `compare` levels, in their order.
    pub compare: Vec<Quality>,
    pub total_s: f64,
}

/// One loaded embedder for every run (the model loads once, as in the desktop app).
struct Loaded(Arc<dyn Embedder>);

impl EmbedderSource for Loaded {
    fn embedder(&self, _: &store::Model) -> Result<Arc<dyn Embedder>> {
        Ok(Arc::clone(&self.0))
    }
}

fn minilm() -> NewModel {
    NewModel {
        name: MINILM.into(),
        provider: Provider::Local,
        dims: MINILM_DIMS as i32,
        config: serde_json::json!({"model": MINILM}),
        hnsw: HnswSettings::default(),
    }
}

pub async fn run(
    pool: &PgPool,
    wordnet_dir: &Path,
    models_dir: &Path,
    opts: &Options,
    progress: &mut dyn FnMut(String),
) -> Result<Report> {
    let started = Instant::now();
    if !(0.0..1.0).contains(&opts.labelled_share) || opts.documents < 10 || opts.scale == 0 {
        return Err(Error::Invalid(
            "--labelled-share must be in [0, 1), --documents at least 10, --scale at least 1"
                .into(),
        ));
    }
    let nouns = wordnet_dir.join("wordnet-3.0-nouns.jsonl");
    if !nouns.exists() {
        return Err(Error::Invalid(format!(
            "{} is missing: run scripts/fetch-wordnet.sh first",
            nouns.display()
        )));
    }
    let embedder: Arc<dyn Embedder> = Arc::new(LocalMiniLm::load_from(models_dir)?);
    let rule = CategoryRule::with_count(opts.categories);
    let mut corpus = corpus::build(import::read_file(&nouns)?, rule, opts.documents)?;
    corpus::label_share(&mut corpus.docs, opts.labelled_share);
    progress(format!(
        "picked {} categories ({}, ...)",
        corpus.categories.len(),
        corpus
            .category_labels
            .iter()
            .take(8)
            .map(|c| c.0.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    let example = corpus
        .docs
        .first()
        .map(|d| d.input.text.clone())
        .unwrap_or_default();
    let two_parents = corpus
        .taxonomy
        .nodes
        .values()
        .filter(|n| n.parents.len() > 1)
        .count();
    // A reborrow for the scratch run, so `progress` is still ours afterwards.
    let say: &mut dyn FnMut(String) = &mut *progress;
    let (corpus_ref, embedder_ref) = (&corpus, &embedder);
    let (quality, scale, queue) = crate::with_scratch_database(pool, |scratch| async move {
        let (quality, model) = quality::run(&scratch, corpus_ref, embedder_ref, opts, say).await?;
        let scale = scale::run(&scratch, &model, embedder_ref, opts, say).await?;
        // The re-classification rewrote 100,000 queue rows: autovacuum takes that up within a
        // minute, and pages timed while it runs (or before it, with every index entry's heap
        // row to check) swung between 7 and 90 ms from run to run. Measure the settled queue.
        crate::vacuum_analyze(&scratch).await?;
        let queue = queue::run(&scratch, corpus_ref, opts.decisions, say).await?;
        Ok((quality, scale, queue))
    })
    .await?;
    // The same measurement at other levels, each in a scratch database of its own (their
    // taxonomies and documents differ).
    let mut compare = Vec::with_capacity(opts.compare.len());
    for level in &opts.compare {
        let rule = CategoryRule::with_count(level.categories);
        let mut other = corpus::build(import::read_file(&nouns)?, rule, level.documents)?;
        corpus::label_share(&mut other.docs, opts.labelled_share);
        progress(format!(
            "comparison: the quality run again at {} categories, {} documents",
            other.categories.len(),
            other.docs.len()
        ));
        let say: &mut dyn FnMut(String) = &mut *progress;
        let (other_ref, embedder_ref) = (&other, &embedder);
        let q = crate::with_scratch_database(pool, |scratch| async move {
            Ok(quality::run(&scratch, other_ref, embedder_ref, opts, say)
                .await?
                .0)
        })
        .await?;
        compare.push(q);
    }
    let total_s = started.elapsed().as_secs_f64();
    progress(format!("classify bench: {total_s:.0} s in all"));
    Ok(Report {
        options: opts.clone(),
        rule,
        category_labels: corpus.category_labels.clone(),
        example,
        two_parents,
        quality,
        scale,
        queue,
        compare,
        total_s,
    })
}
