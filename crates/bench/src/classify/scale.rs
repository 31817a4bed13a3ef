//! Part 2, throughput at scale: `scale` documents whose vectors are the real gloss vectors of
//! part 1 plus a little Gaussian noise (embedding 100k glosses would take ~40 min on two cores),
//! classified in one run; then the same documents re-classified with a precision nobody can
//! promise (1.0), which sends nearly all of them to the queue for part 3.

use std::sync::Arc;
use std::time::Instant;

use pgvector::Vector;
use serde::Serialize;
use sqlx::PgPool;

use super::{Loaded, Options};
use crate::Picker;
use dtrag_core::classify::{self, ClassifyOptions, ClassifyOutcome, DocumentSet};
use dtrag_core::documents::{self as docs, ChunkSettings, DocInput};
use dtrag_core::models::{self as store, Model};
use dtrag_core::Result;
use dtrag_embed::local::MINILM;
use dtrag_embed::Embedder;

/// Norm of the noise added to a unit vector: cosine to the original ≈ 1 / sqrt(1 + 0.35²) ≈ 0.94,
/// so copies of one gloss are near each other but not duplicates.
const NOISE_NORM: f64 = 0.35;
/// Vectors per insert statement.
const INSERT_ROWS: usize = 5_000;

#[derive(Debug, Clone, Serialize)]
pub struct Scale {
    pub documents: usize,
    pub source_vectors: usize,
    pub noise_norm: f64,
    /// Mean cosine of a copy to the real vector it was made from.
    pub mean_cosine: f64,
    pub ingest_s: f64,
    pub vectors_s: f64,
    pub classify: ClassifyOutcome,
    pub classify_s: f64,
    pub documents_per_s: f64,
    pub rss_before_mb: Option<f64>,
    /// The process's peak resident set during the run (VmHWM, reset just before it).
    pub peak_rss_mb: Option<f64>,
    pub peak_rss_reset: bool,
    pub reclassify: ClassifyOutcome,
    pub reclassify_s: f64,
}

/// A field of /proc/self/status in MB (the figure is in kB).
fn status_mb(field: &str) -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(field))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Resets VmHWM to the current RSS (Linux ≥ 4.0), so the peak that follows is this run's.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

pub(super) async fn run(
    pool: &PgPool,
    model: &Model,
    embedder: &Arc<dyn Embedder>,
    opts: &Options,
    progress: &mut dyn FnMut(String),
) -> Result<Scale> {
    // The real vectors of part 1, with their documents' titles and texts.
    let sources: Vec<(String, String, Vector)> = sqlx::query_as(
        "SELECT d.title, ch.text, e.embedding
         FROM document d JOIN chunk ch ON ch.document_id = d.id AND ch.ordinal = 0
         JOIN chunk_embedding e ON e.chunk_id = ch.id AND e.model_id = $1
         ORDER BY d.id",
    )
    .bind(model.id)
    .fetch_all(pool)
    .await?;
    let n_src = sources.len().max(1);
    let inputs: Vec<DocInput> = (0..opts.scale)
        .map(|i| {
            let (title, text, _) = &sources[i % n_src];
            DocInput {
                source_id: format!("copy-{i:06}"),
                title: title.clone(),
                text: text.clone(),
                categories: Vec::new(),
            }
        })
        .collect();
    progress(format!(
        "scale: ingesting {} documents (texts of the {} real glosses)",
        inputs.len(),
        sources.len()
    ));
    let t = Instant::now();
    docs::add(pool, &inputs, ChunkSettings::default(), &mut |_, _| {}).await?;
    let ingest_s = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let chunks: Vec<(i64, String)> = sqlx::query_as(
        "SELECT ch.id, d.source_id FROM chunk ch JOIN document d ON d.id = ch.document_id
         WHERE d.source_id LIKE 'copy-%' ORDER BY ch.id",
    )
    .fetch_all(pool)
    .await?;
    let mut pick = Picker::new(5);
    let mut cos_sum = 0.0f64;
    let sigma = NOISE_NORM / (model.dims as f64).sqrt();
    for batch in chunks.chunks(INSERT_ROWS) {
        let ids: Vec<i64> = batch.iter().map(|c| c.0).collect();
        let vectors: Vec<Vector> = batch
            .iter()
            .map(|(_, source_id)| {
                let i: usize = source_id[5..].parse().unwrap_or(0);
                let real = sources[i % n_src].2.as_slice();
                let mut v: Vec<f64> = real
                    .iter()
                    .map(|&x| f64::from(x) + sigma * pick.normal())
                    .collect();
                let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt().max(1e-12);
                v.iter_mut().for_each(|x| *x /= norm);
                cos_sum += v
                    .iter()
                    .zip(real)
                    .map(|(a, &b)| a * f64::from(b))
                    .sum::<f64>();
                Vector::from(v.into_iter().map(|x| x as f32).collect::<Vec<f32>>())
            })
            .collect();
        store::insert_vectors(pool, model, &ids, &vectors).await?;
    }
    crate::vacuum_analyze(pool).await?;
    let vectors_s = t.elapsed().as_secs_f64();
    let mean_cosine = cos_sum / chunks.len().max(1) as f64;
    progress(format!(
        "scale: {} documents in {ingest_s:.0} s, {} noisy vectors in {vectors_s:.0} s \
         (mean cosine to the real vector {mean_cosine:.3}); classifying",
        inputs.len(),
        chunks.len()
    ));

    let source = Arc::new(Loaded(Arc::clone(embedder)));
    let options = |precision: f32, documents: DocumentSet| ClassifyOptions {
        model: Some(MINILM.into()),
        precision,
        documents,
        audit_share: dtrag_core::limits::AUDIT_SHARE_DEFAULT,
        author: "bench".into(),
    };
    let rss_before_mb = status_mb("VmRSS:");
    let peak_rss_reset = reset_peak_rss();
    let t = Instant::now();
    let mut last = Instant::now();
    let mut report = |stage: &'static str, done: usize, total: usize| {
        if last.elapsed().as_secs() >= 15 {
            eprintln!("  {stage}: {done} / {total}");
            last = Instant::now();
        }
    };
    let outcome = classify::classify(
        pool,
        source.clone(),
        &options(opts.precision, DocumentSet::Unreviewed),
        &mut report,
    )
    .await?;
    let classify_s = t.elapsed().as_secs_f64();
    let peak_rss_mb = status_mb("VmHWM:");
    let documents_per_s = outcome.documents as f64 / classify_s;
    progress(format!(
        "scale: classified {} documents in {classify_s:.1} s ({documents_per_s:.0}/s), \
         {} auto-accepted rows, {} queued; peak RSS {:.0} MB",
        outcome.documents,
        outcome.auto_accepted,
        outcome.queued,
        peak_rss_mb.unwrap_or(0.0)
    ));

    progress("queue: re-classifying every unlabelled document at precision 1.0".into());
    let t = Instant::now();
    let reclassify =
        classify::classify(pool, source, &options(1.0, DocumentSet::All), &mut report).await?;
    let reclassify_s = t.elapsed().as_secs_f64();
    progress(format!(
        "queue: re-classified {} documents in {reclassify_s:.1} s, {} queued",
        reclassify.documents, reclassify.queued
    ));
    Ok(Scale {
        documents: inputs.len(),
        source_vectors: sources.len(),
        noise_norm: NOISE_NORM,
        mean_cosine,
        ingest_s,
        vectors_s,
        classify: outcome,
        classify_s,
        documents_per_s,
        rss_before_mb,
        peak_rss_mb,
        peak_rss_reset,
        reclassify,
        reclassify_s,
    })
}
