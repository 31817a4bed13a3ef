//! The classifier: suggests categories for documents from their stored vectors, with confidences
//! calibrated on the human labels, auto-accepts what is confident enough for a target precision,
//! and sends the rest to the review queue.
//!
//! One run: embed the category texts that changed ([`category_vectors`]); score the labelled
//! documents by cross-validation and fit the calibration and threshold on them ([`calibrate`]);
//! then score the documents to classify, a batch at a time, each batch one transaction
//! ([`write`]). Reviewer decisions are human labels, so the next run learns from them.

pub mod calibrate;
pub mod category_vectors;
mod centroid;
pub mod load;
pub mod probe;
pub mod score;
pub mod suggest;
pub mod write;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use sqlx::PgPool;

use crate::error::{Error, Result};
use crate::models::{self, EmbedderSource};
use calibrate::{Assessment, CurvePoint};
use load::Which;
use score::{Evidence, Vectors};

/// Runs that classify at least this many documents analyze the queue's tables afterwards.
const TIDY_AFTER_DOCUMENTS: usize = 10_000;

/// Cross-validation folds.
const FOLDS: u32 = 5;
/// Fewest labelled documents with vectors to fit a calibration on.
pub const MIN_LABELLED: usize = 20;
/// Documents scored and written per transaction.
const BATCH: i64 = 2_000;

/// Which documents a run classifies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum DocumentSet {
    /// Documents with no classification and no open review item (a run that stopped goes on).
    #[default]
    Unreviewed,
    /// Every document without a human label: earlier suggestions are replaced.
    All,
}

#[derive(Debug, Clone)]
pub struct ClassifyOptions {
    pub model: Option<String>,
    /// The precision auto-accepted suggestions must reach on held-out labels.
    pub precision: f32,
    pub documents: DocumentSet,
    /// The share of auto-accepted documents sent to review as audit samples.
    pub audit_share: f32,
    pub author: String,
}

/// Stages of a run, for progress.
pub const STAGE_CATEGORIES: &str = "embedding category texts";
pub const STAGE_CALIBRATION: &str = "calibrating on labelled documents";
pub const STAGE_CLASSIFY: &str = "classifying";

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClassifyOutcome {
    pub run: i64,
    pub model: String,
    pub version: i64,
    /// Documents classified in this run.
    pub documents: usize,
    /// Documents in the chosen set that have no vectors from the model (not classified).
    pub without_vectors: usize,
    /// Classifications accepted without a person (a document may get several).
    pub auto_accepted: usize,
    /// Documents with at least one auto-accepted classification.
    pub auto_accepted_documents: usize,
    pub queued: usize,
    pub audit_samples: usize,
    /// Open `category_split` items scored among the new children, and how many of them were
    /// confident enough to be accepted without a person.
    pub splits_rescored: usize,
    pub splits_auto_accepted: usize,
    pub labelled: usize,
    pub threshold: Option<f32>,
    pub estimated_precision: Option<f32>,
    pub estimated_hitl_rate: f32,
    pub top1_accuracy: f32,
    pub calibration_error: f32,
    /// Held-out risk–coverage curve: what other target precisions would give.
    pub curve: Vec<CurvePoint>,
    pub notice: Option<String>,
    pub elapsed_ms: f64,
}

/// Runs the classifier. `progress(stage, done, total)`.
pub async fn classify(
    pool: &PgPool,
    embedders: Arc<dyn EmbedderSource>,
    opts: &ClassifyOptions,
    progress: &mut (dyn FnMut(&'static str, usize, usize) + Send),
) -> Result<ClassifyOutcome> {
    let started = Instant::now();
    if !(opts.precision > 0.0 && opts.precision <= 1.0) {
        return Err(Error::Invalid(format!(
            "--precision must be in (0, 1], not {}",
            opts.precision
        )));
    }
    if !(0.0..=1.0).contains(&opts.audit_share) {
        return Err(Error::Invalid("the audit share must be in [0, 1]".into()));
    }
    let mut conn = pool.acquire().await?;
    let model = models::get(&mut conn, opts.model.as_deref()).await?;
    if model.embedded == 0 {
        return Err(Error::Invalid(format!(
            "model {:?} has no vectors: run `dtrag embed --model {}` first",
            model.name, model.name
        )));
    }
    let dims = model.dims as usize;
    let version = crate::taxonomy::read::head_version(&mut conn).await?;
    let cats = load::categories(&mut conn).await?;
    if cats.ids.is_empty() {
        return Err(Error::Invalid(
            "the taxonomy is empty: import categories before classifying".into(),
        ));
    }
    let embedder = {
        let (src, m) = (Arc::clone(&embedders), model.clone());
        tokio::task::spawn_blocking(move || src.embedder(&m))
            .await
            .map_err(|e| Error::Internal(format!("loading the embedder failed: {e}")))??
    };
    let mut stage = |done, total| progress(STAGE_CATEGORIES, done, total);
    let cat_vectors = category_vectors::ensure(pool, &model, embedder, &cats, &mut stage).await?;

    // Labelled documents and the cross-validated assessment.
    let (labelled_ids, labelled, labels) = load::labelled(&mut conn, model.id, dims, &cats).await?;
    let folds: Vec<u32> = labelled_ids.iter().map(|&d| fold_of(d)).collect();
    let probes = score::Probes::default();
    let ev = Evidence {
        labelled: &labelled,
        labels: &labels,
        groups: &folds,
        categories: &cat_vectors,
        probes: &probes,
    };
    progress(STAGE_CALIBRATION, 0, labelled_ids.len());
    let assessment = if labelled_ids.len() >= MIN_LABELLED {
        let a = assess(&labelled, &folds, &labels, &ev, &cats, opts.precision)?;
        Some(a)
    } else {
        None
    };
    progress(STAGE_CALIBRATION, labelled_ids.len(), labelled_ids.len());
    let notice = match &assessment {
        None => Some(format!(
            "only {} labelled document(s) with vectors (at least {MIN_LABELLED} are needed to \
             calibrate): every suggestion goes to review",
            labelled_ids.len()
        )),
        Some(a) if a.threshold.is_none() => Some(format!(
            "no threshold reaches a precision of {:.2} on the held-out labels: every suggestion \
             goes to review",
            opts.precision
        )),
        Some(_) => None,
    };
    let assessment = assessment.unwrap_or_default();

    let run_id: i64 = sqlx::query_scalar(
        "INSERT INTO classifier_run (model_id, taxonomy_version, started_by, target_precision,
                                     threshold, estimated_precision, calibration)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(model.id)
    .bind(version)
    .bind(&opts.author)
    .bind(opts.precision)
    .bind(assessment.threshold)
    .bind(assessment.estimated_precision)
    .bind(serde_json::to_value(&assessment).unwrap_or_default())
    .fetch_one(&mut *conn)
    .await?;

    // The documents to classify, a batch at a time.
    let which = match opts.documents {
        DocumentSet::Unreviewed => Which::Unreviewed,
        DocumentSet::All => Which::Unlabelled,
    };
    let (in_set, with_vectors) = load::count(&mut conn, model.id, which).await?;
    let total = with_vectors as usize;
    let cx = write::RunContext {
        run_id,
        model_id: model.id,
        version,
        author: &opts.author,
        replace: opts.documents == DocumentSet::All,
    };
    let threshold = assessment.threshold;
    let mut outcome = ClassifyOutcome {
        run: run_id,
        model: model.name.clone(),
        version,
        documents: 0,
        without_vectors: (in_set - with_vectors).max(0) as usize,
        auto_accepted: 0,
        auto_accepted_documents: 0,
        queued: 0,
        audit_samples: 0,
        splits_rescored: 0,
        splits_auto_accepted: 0,
        labelled: labelled_ids.len(),
        threshold,
        estimated_precision: assessment.estimated_precision,
        estimated_hitl_rate: if threshold.is_some() {
            assessment.estimated_hitl_rate
        } else {
            1.0
        },
        top1_accuracy: assessment.top1_accuracy,
        calibration_error: assessment.calibration_error,
        curve: assessment.curve.clone(),
        notice,
        elapsed_ms: 0.0,
    };
    progress(STAGE_CLASSIFY, 0, total);
    let mut after = 0i64;
    loop {
        // `unreviewed` shrinks as batches are written; `all` walks the ids.
        let (ids, vectors) =
            load::document_vectors(&mut conn, model.id, which, after, BATCH, dims).await?;
        let Some(&last) = ids.last() else { break };
        after = last;
        let decided = load::decided_pairs(&mut conn, &ids).await?;
        let scored = score::score(&vectors, &[], &ev)?;
        let batch: Vec<write::DocOutcome> = ids
            .iter()
            .zip(scored)
            .map(|(&doc, cands)| {
                let s = suggest::suggestions(&cats, &cands, |c| {
                    !decided.contains(&(doc, cats.ids[c as usize]))
                });
                suggest::decide(doc, &s, &cats, &assessment.calibration, threshold, |d| {
                    audit_drawn(d, run_id, opts.audit_share)
                })
            })
            .collect();
        let w = write::write_batch(pool, &cx, &batch).await?;
        outcome.documents += batch.len();
        outcome.auto_accepted += w.auto_accepted;
        outcome.auto_accepted_documents += w.auto_accepted_documents;
        outcome.queued += w.queued;
        outcome.audit_samples += w.audit_samples;
        progress(STAGE_CLASSIFY, outcome.documents.min(total), total);
    }
    // Split categories: their documents are scored among the new children.
    let (splits, split_vectors) = load::open_splits(&mut conn, model.id, dims).await?;
    if !splits.is_empty() {
        let allowed: Vec<Vec<u32>> = splits
            .iter()
            .map(|s| {
                s.children
                    .iter()
                    .filter_map(|n| cats.index.get(n).copied())
                    .collect()
            })
            .collect();
        let scored = score::score_among(&split_vectors, &[], &ev, |i, c| allowed[i].contains(&c))?;
        let outcomes: Vec<write::SplitOutcome> = splits
            .iter()
            .zip(scored)
            .map(|(item, cands)| {
                let s = suggest::suggestions(&cats, &cands, |_| true);
                let d = suggest::decide(
                    item.document,
                    &s,
                    &cats,
                    &assessment.calibration,
                    threshold,
                    |_| false,
                );
                let auto = !d.auto.is_empty();
                let picks = if auto { d.auto } else { d.pending };
                write::SplitOutcome {
                    item: item.item,
                    picks,
                    auto,
                }
            })
            .collect();
        outcome.splits_auto_accepted = write::rescore_splits(pool, &cx, &outcomes).await?;
        outcome.splits_rescored = outcomes.len();
    }
    write::refresh_impact(pool).await?;
    sqlx::query("UPDATE classifier_run SET finished_at = clock_timestamp() WHERE id = $1")
        .bind(run_id)
        .execute(&mut *conn)
        .await?;
    if outcome.documents >= TIDY_AFTER_DOCUMENTS {
        // A large run rewrote much of the queue: fresh planner statistics now, not when
        // autovacuum gets round to it. Through the owner's definer function (0016): dtrag_app
        // may not ANALYZE, and VACUUM cannot run inside a function, so the visibility map is
        // left to autovacuum.
        sqlx::query("SELECT dtrag_analyze(ARRAY['review_item', 'classification'])")
            .execute(&mut *conn)
            .await?;
    }
    outcome.elapsed_ms = started.elapsed().as_secs_f64() * 1e3;
    Ok(outcome)
}

/// The cross-validation fold of a labelled document (by id, so a rerun uses the same folds).
fn fold_of(doc: i64) -> u32 {
    (mix(doc as u64) % u64::from(FOLDS)) as u32
}

/// Whether an auto-accepted document is drawn as an audit sample: a hash of (document, run), so
/// the draw is reproducible and about `share` of documents.
fn audit_drawn(doc: i64, run: i64, share: f32) -> bool {
    let h = mix((doc as u64) ^ mix(run as u64));
    (h % 10_000) < (f64::from(share) * 10_000.0).round() as u64
}

/// splitmix64's finaliser: a well-spread hash of an integer.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Scores every labelled document against the labelled documents of the other folds, and
/// assesses the held-out suggestions.
fn assess(
    labelled: &Vectors,
    folds: &[u32],
    labels: &[Vec<u32>],
    ev: &Evidence<'_>,
    cats: &load::Categories,
    precision: f32,
) -> Result<Assessment> {
    let scored = score::score(labelled, folds, ev)?;
    let mut samples = Vec::new();
    let mut top1 = Vec::with_capacity(scored.len());
    for (i, cands) in scored.iter().enumerate() {
        let s = suggest::suggestions(cats, cands, |_| true);
        let truth: HashMap<u32, ()> = labels[i].iter().map(|&c| (c, ())).collect();
        top1.push(s.first().is_some_and(|x| truth.contains_key(&x.category)));
        for x in &s {
            samples.push(calibrate::Sample {
                z: x.strength,
                correct: truth.contains_key(&x.category),
                doc: i as u32,
                fold: folds[i],
            });
        }
    }
    Ok(calibrate::assess(&samples, &top1, precision))
}
