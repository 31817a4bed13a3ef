//! Part 1, quality on real data: the WordNet corpus is ingested, embedded by the local MiniLM,
//! classified, and what the classifier wrote is compared with the known truth of the documents
//! nobody labelled, beside the classifier's own cross-validated estimates.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use pgvector::Vector;
use serde::Serialize;
use sqlx::PgPool;

use super::corpus::Corpus;
use super::{Loaded, Options};
use dtrag_core::classify::calibrate::Assessment;
use dtrag_core::classify::load::{self, Which};
use dtrag_core::classify::score::{self, Evidence, Vectors};
use dtrag_core::classify::{self, suggest, ClassifyOptions, ClassifyOutcome, DocumentSet};
use dtrag_core::documents::{self as docs, ChunkSettings, DocInput};
use dtrag_core::models::{self as store, Model};
use dtrag_core::taxonomy::import;
use dtrag_core::taxonomy::model::PublishMeta;
use dtrag_core::{Error, Result};
use dtrag_embed::local::MINILM;
use dtrag_embed::Embedder;

/// One threshold of the risk–coverage curve: the run's held-out estimate and the truth.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct CurveRow {
    pub threshold: f32,
    pub estimated_coverage: f32,
    pub estimated_precision: f32,
    pub coverage: f32,
    pub precision: f32,
}

/// What the run wrote, graded against the truth of the unlabelled documents.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Measured {
    pub documents: usize,
    pub top1_accuracy: f32,
    /// Auto-accepted (document, category) rows, and how many are right.
    pub auto_rows: usize,
    pub auto_right: usize,
    pub auto_precision: Option<f32>,
    pub auto_documents: usize,
    /// Documents with an open low-confidence item (what people must decide).
    pub queued_documents: usize,
    pub hitl_rate: f32,
    pub audit_samples: usize,
    /// Expected calibration error of every suggestion's confidence against the truth.
    pub calibration_error: f32,
    /// Suggestions recomputed from the run's calibration equal what it stored (top category and
    /// confidence) for this many documents of `documents`.
    pub recomputed_agree: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Quality {
    pub categories: usize,
    pub taxonomy_nodes: usize,
    pub documents: usize,
    pub labelled: usize,
    pub multi_label: usize,
    pub embed_s: f64,
    pub embed_chunks_per_s: f64,
    pub classify_s: f64,
    pub outcome: ClassifyOutcome,
    pub measured: Measured,
    pub curve: Vec<CurveRow>,
}

pub(super) async fn run(
    pool: &PgPool,
    corpus: &Corpus,
    embedder: &Arc<dyn Embedder>,
    opts: &Options,
    progress: &mut dyn FnMut(String),
) -> Result<(Quality, Model)> {
    let meta = PublishMeta {
        author: "bench".into(),
        message: "WordNet 3.0 categories".into(),
    };
    let taxonomy_nodes = corpus.taxonomy.len();
    import::import(pool, corpus.taxonomy.clone(), &meta, "wordnet-3.0").await?;
    let inputs: Vec<DocInput> = corpus.docs.iter().map(|d| d.input.clone()).collect();
    docs::add(pool, &inputs, ChunkSettings::default(), &mut |_, _| {}).await?;
    let labelled = inputs.iter().filter(|d| !d.categories.is_empty()).count();
    progress(format!(
        "taxonomy of {taxonomy_nodes} nodes ({} categories); {} documents, {labelled} labelled",
        corpus.categories.len(),
        inputs.len()
    ));

    let model = store::register(pool, &super::minilm()).await?;
    progress(format!(
        "embedding {} glosses with the local {MINILM}",
        inputs.len()
    ));
    let mut last = Instant::now();
    let t = Instant::now();
    let report = store::embed_pending(
        pool,
        &model,
        Arc::clone(embedder),
        64,
        &mut |done, total| {
            if last.elapsed() > Duration::from_secs(15) {
                eprintln!("  embedded {done} / {total}");
                last = Instant::now();
            }
        },
    )
    .await?;
    let embed_s = t.elapsed().as_secs_f64();
    progress(format!(
        "embedded {} chunks in {embed_s:.0} s ({:.0} chunks/s); classifying",
        report.embedded, report.chunks_per_s
    ));
    crate::analyze(pool).await?;

    let source = Arc::new(Loaded(Arc::clone(embedder)));
    let t = Instant::now();
    let outcome = classify::classify(
        pool,
        source,
        &ClassifyOptions {
            model: Some(MINILM.into()),
            precision: opts.precision,
            documents: DocumentSet::Unreviewed,
            audit_share: dtrag_core::limits::AUDIT_SHARE_DEFAULT,
            author: "bench".into(),
        },
        &mut |_, _, _| {},
    )
    .await?;
    let classify_s = t.elapsed().as_secs_f64();
    progress(format!(
        "classified {} documents in {classify_s:.1} s: threshold {:?}, {} queued",
        outcome.documents, outcome.threshold, outcome.queued
    ));

    let truth = truth_by_id(pool, corpus).await?;
    let model = {
        let mut conn = pool.acquire().await?;
        store::get(&mut conn, Some(MINILM)).await?
    };
    let (measured, curve) = measure(pool, &model, outcome.run, &truth).await?;
    progress(format!(
        "measured on {} unlabelled documents: top-1 {:.3}, auto precision {:?}, HITL {:.3}",
        measured.documents, measured.top1_accuracy, measured.auto_precision, measured.hitl_rate
    ));
    Ok((
        Quality {
            categories: corpus.categories.len(),
            taxonomy_nodes,
            documents: inputs.len(),
            labelled,
            multi_label: corpus.docs.iter().filter(|d| d.truth.len() > 1).count(),
            embed_s,
            embed_chunks_per_s: report.chunks_per_s,
            classify_s,
            outcome,
            measured,
            curve,
        },
        model,
    ))
}

/// The true categories (node ids) of every unlabelled document (by document id).
async fn truth_by_id(pool: &PgPool, corpus: &Corpus) -> Result<HashMap<i64, HashSet<i64>>> {
    let docs: HashMap<String, i64> = sqlx::query_as("SELECT source_id, id FROM document")
        .fetch_all(pool)
        .await?
        .into_iter()
        .collect();
    let nodes: HashMap<String, i64> = sqlx::query_as("SELECT key, id FROM node")
        .fetch_all(pool)
        .await?
        .into_iter()
        .collect();
    let mut out = HashMap::new();
    for d in corpus.docs.iter().filter(|d| d.input.categories.is_empty()) {
        let id = docs.get(&d.input.source_id).copied().ok_or_else(|| {
            Error::Internal(format!("document {} was not stored", d.input.source_id))
        })?;
        out.insert(
            id,
            d.truth
                .iter()
                .filter_map(|k| nodes.get(k).copied())
                .collect(),
        );
    }
    Ok(out)
}

/// Grades the stored outcome, and recomputes every unlabelled document's suggestions with the
/// run's calibration (through the classifier's own scoring functions) for the full curve: the
/// run stores only the auto-accepted suggestions of a confident document, so thresholds below
/// the run's cannot be read back from the database.
async fn measure(
    pool: &PgPool,
    model: &Model,
    run: i64,
    truth: &HashMap<i64, HashSet<i64>>,
) -> Result<(Measured, Vec<CurveRow>)> {
    let right = |doc: i64, node: i64| truth.get(&doc).is_some_and(|t| t.contains(&node));
    let rows: Vec<(i64, i64, f32, String)> = sqlx::query_as(
        "SELECT document_id, node_id, confidence, status FROM classification
         WHERE method = 'classifier' AND status IN ('auto_accepted', 'pending')",
    )
    .fetch_all(pool)
    .await?;
    let mut m = Measured {
        documents: truth.len(),
        ..Measured::default()
    };
    let mut top: HashMap<i64, (f32, i64)> = HashMap::new();
    let mut auto_docs = HashSet::new();
    for &(doc, node, conf, ref status) in rows.iter().filter(|r| truth.contains_key(&r.0)) {
        if status == "auto_accepted" {
            m.auto_rows += 1;
            m.auto_right += usize::from(right(doc, node));
            auto_docs.insert(doc);
        }
        let e = top.entry(doc).or_insert((conf, node));
        if conf > e.0 {
            *e = (conf, node);
        }
    }
    m.auto_documents = auto_docs.len();
    m.auto_precision = (m.auto_rows > 0).then(|| m.auto_right as f32 / m.auto_rows as f32);
    let n = m.documents.max(1) as f32;
    m.top1_accuracy = top.iter().filter(|e| right(*e.0, e.1 .1)).count() as f32 / n;
    let items: Vec<(i64, String)> =
        sqlx::query_as("SELECT document_id, reason FROM review_item WHERE status = 'open'")
            .fetch_all(pool)
            .await?;
    for (_, reason) in items.iter().filter(|i| truth.contains_key(&i.0)) {
        match reason.as_str() {
            "low_confidence" => m.queued_documents += 1,
            "audit_sample" => m.audit_samples += 1,
            _ => {}
        }
    }
    m.hitl_rate = m.queued_documents as f32 / n;

    // Recompute every suggestion of the unlabelled documents.
    let calibration: serde_json::Value =
        sqlx::query_scalar("SELECT calibration FROM classifier_run WHERE id = $1")
            .bind(run)
            .fetch_one(pool)
            .await?;
    let assessment: Assessment = serde_json::from_value(calibration)
        .map_err(|e| Error::Internal(format!("the run's calibration does not parse: {e}")))?;
    let dims = model.dims as usize;
    let mut conn = pool.acquire().await?;
    let cats = load::categories(&mut conn).await?;
    let stored: HashMap<i64, Vector> =
        sqlx::query_as("SELECT node_id, embedding FROM category_embedding WHERE model_id = $1")
            .bind(model.id)
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .collect();
    let mut cat_vectors = Vectors::new(dims);
    for id in &cats.ids {
        let v = stored
            .get(id)
            .ok_or_else(|| Error::Internal(format!("category {id} has no vector")))?;
        cat_vectors.push(v.as_slice());
    }
    let (lab_ids, labelled, labels) = load::labelled(&mut conn, model.id, dims, &cats).await?;
    let groups = vec![0u32; lab_ids.len()];
    let probes = dtrag_core::classify::probe::Probes::default();
    let ev = Evidence {
        labelled: &labelled,
        labels: &labels,
        groups: &groups,
        categories: &cat_vectors,
        probes: &probes,
    };
    let (ids, vectors) =
        load::document_vectors(&mut conn, model.id, Which::Unlabelled, 0, i64::MAX, dims).await?;
    let scored = score::score(&vectors, &[], &ev)?;
    // (confidence, right, document)
    let mut all: Vec<(f32, bool, i64)> = Vec::new();
    for (&doc, cands) in ids.iter().zip(&scored) {
        if !truth.contains_key(&doc) {
            continue;
        }
        let s = suggest::suggestions(&cats, cands, |_| true);
        let mut best: Option<(f32, i64)> = None;
        for x in &s {
            let node = cats.ids[x.category as usize];
            let c = if assessment.calibration.z.is_empty() {
                x.score.clamp(0.0, 1.0)
            } else {
                assessment.calibration.confidence(x.strength)
            };
            all.push((c, right(doc, node), doc));
            if best.is_none_or(|b| c > b.0) {
                best = Some((c, node));
            }
        }
        if let (Some((c, node)), Some(&(sc, sn))) = (best, top.get(&doc)) {
            m.recomputed_agree += usize::from((c - sc).abs() < 1e-5 && node == sn);
        }
    }
    m.calibration_error = calibration_error(&all);
    let curve = assessment
        .curve
        .iter()
        .map(|p| {
            let taken: Vec<&(f32, bool, i64)> = all.iter().filter(|a| a.0 >= p.threshold).collect();
            let covered: HashSet<i64> = taken.iter().map(|a| a.2).collect();
            CurveRow {
                threshold: p.threshold,
                estimated_coverage: p.coverage,
                estimated_precision: p.precision,
                coverage: covered.len() as f32 / n,
                precision: if taken.is_empty() {
                    1.0
                } else {
                    taken.iter().filter(|a| a.1).count() as f32 / taken.len() as f32
                },
            }
        })
        .collect();
    Ok((m, curve))
}

/// |mean confidence − share right| over ten equal-width bins, weighted by bin size (the same
/// definition as the classifier's held-out figure).
fn calibration_error(all: &[(f32, bool, i64)]) -> f32 {
    let mut bins = [(0.0f64, 0.0f64, 0usize); 10];
    for &(c, ok, _) in all {
        let b = ((c * 10.0) as usize).min(9);
        bins[b].0 += f64::from(c);
        bins[b].1 += f64::from(u8::from(ok));
        bins[b].2 += 1;
    }
    let n = all.len().max(1) as f64;
    bins.iter()
        .filter(|b| b.2 > 0)
        .map(|b| (b.0 - b.1).abs() / n)
        .sum::<f64>() as f32
}
