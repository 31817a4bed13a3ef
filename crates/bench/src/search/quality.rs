//! Retrieval quality on golden sets built from the corpus ([`golden`]): per set, recall@10, MRR@10
//! and nDCG@10 of BM25, vector, the default hybrid and plain RRF 1:1 (the hybrid before issue 13),
//! through `dtrag_core::eval` (the path `dtrag eval search` takes). [`measure`] works on whatever
//! corpus the database holds (the full `dtrag bench search` corpus); [`run`] loads the first N
//! glosses into a scratch database first (`dtrag bench search-quality --limit N`).

use std::path::Path;
use std::sync::Arc;

use serde::Serialize;
use sqlx::PgPool;

use super::corpus_vectors::embed_corpus;
use super::golden::{self, Doc, GoldenSets};
use super::held_out::{self, HeldOut};
use dtrag_core::documents::{self as docs, ChunkSettings};
use dtrag_core::eval::{self, EvalOptions, GoldenQuery};
use dtrag_core::models::{self as store, EmbedderSource, HnswSettings, NewModel, Provider};
use dtrag_core::search::fuse::{DEFAULT_WEIGHTS, EVIDENCE_CURVE};
use dtrag_core::search::{Fusion, FusionMethod, Mode};
use dtrag_core::Result;
use dtrag_embed::local::{LocalMiniLm, MINILM, MINILM_DIMS};
use dtrag_embed::Embedder;

/// Queries per set.
pub const PER_SET: usize = 150;
const K: usize = 10;

/// One row: a set, a retrieval, its means.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub set: String,
    pub queries: usize,
    pub retrieval: String,
    pub recall: f64,
    pub mrr: f64,
    pub ndcg: f64,
    pub p50_ms: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct QualityReport {
    pub documents: usize,
    pub rows: Vec<Row>,
    /// How the default's evidence curve and weights were chosen.
    pub held_out: HeldOut,
}

impl QualityReport {
    pub fn markdown(&self) -> String {
        let mut s = format!(
            "## Retrieval quality (WordNet golden sets, k = {K})\n\n\
             `dtrag bench search` / `search-quality`: golden sets built from {} WordNet 3.0 gloss \
             documents by crates/bench/src/search/golden.rs, one relevant document per query: \
             *lexical* = the three rarest words of the gloss; *paraphrase* = the hypernym's lemmas \
             and WordNet synonyms of gloss words, none sharing a stem with the document; *mixed* = \
             one rare gloss word and two paraphrase words; *all* = the three together. Run through \
             `dtrag_core::eval` (the `dtrag eval search` path). *hybrid* is the default fusion \
             (z-score, BM25 : vector {:.1} : {:.1}, the BM25 weight scaled by the share of the \
             query's idf mass its best hit matched: none at or below {:.1}, above it rescaled \
             to 0..1 and raised to the power {}, times the distinctness of its best hit (its score's \
             lead over the tenth's, as a share of it) over {:.1}, capped at 1 and raised to the power \
             {}; chosen on the held-out sets below); *hybrid RRF 1:1* is the fusion before issue \
             13; *RRF + evidence*, *min-max* and *z-score* use the same evidence at 1 : 1; *tuned* \
             is `dtrag eval search --tune` on *all* (its choice in brackets), then each set.\n\n\
             | set | queries | retrieval | recall@10 | MRR@10 | nDCG@10 | p50 |\n|---|---|---|---|---|---|---|\n",
            self.documents,
            DEFAULT_WEIGHTS.bm25,
            DEFAULT_WEIGHTS.vector,
            EVIDENCE_CURVE.floor,
            EVIDENCE_CURVE.power,
            EVIDENCE_CURVE.distinct_full,
            EVIDENCE_CURVE.distinct_power,
        );
        for r in &self.rows {
            s += &format!(
                "| {} | {} | {} | {:.3} | {:.3} | {:.3} | {:.1} ms |\n",
                r.set, r.queries, r.retrieval, r.recall, r.mrr, r.ndcg, r.p50_ms
            );
        }
        s + "\n" + &self.held_out.markdown()
    }
}

/// One loaded embedder for every query.
struct Loaded(Arc<dyn Embedder>);

impl EmbedderSource for Loaded {
    fn embedder(&self, _: &store::Model) -> Result<Arc<dyn Embedder>> {
        Ok(Arc::clone(&self.0))
    }
}

/// The golden sets of the corpus in `pool` (documents and chunks loaded, vectors stored) and
/// the held-out ones the default was chosen on.
pub async fn sets(pool: &PgPool, nouns: &Path) -> Result<(usize, GoldenSets, GoldenSets)> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT d.source_id, string_agg(c.text, ' ' ORDER BY c.ordinal)
         FROM document d JOIN chunk c ON c.document_id = d.id GROUP BY d.source_id ORDER BY d.source_id",
    )
    .fetch_all(pool)
    .await?;
    let docs: Vec<Doc> = rows
        .into_iter()
        .map(|(id, text)| Doc { id, text })
        .collect();
    let nouns = golden::read_nouns(nouns)?;
    let reported = golden::build(&docs, &nouns, PER_SET, 13);
    let held = held_out::sets(&docs, &nouns, &reported, PER_SET);
    Ok((docs.len(), reported, held))
}

/// Measures the sets on the corpus in `pool`.
pub async fn measure(
    pool: &PgPool,
    nouns: &Path,
    embedder: Arc<dyn Embedder>,
    progress: &mut dyn FnMut(String),
) -> Result<QualityReport> {
    let (documents, s, held) = sets(pool, nouns).await?;
    let mut all: Vec<GoldenQuery> = Vec::new();
    for set in [&s.lexical, &s.paraphrase, &s.mixed] {
        all.extend(set.iter().cloned());
    }
    let source: Arc<dyn EmbedderSource> = Arc::new(Loaded(embedder));
    // First, so a run shows the held-out choice before the reported figures.
    let held_out = held_out::measure(pool, &held, K, Arc::clone(&source), progress).await?;
    let mut rows = Vec::new();
    for (name, queries) in [
        ("lexical", &s.lexical),
        ("paraphrase", &s.paraphrase),
        ("mixed", &s.mixed),
        ("all", &all),
    ] {
        if queries.is_empty() {
            continue;
        }
        progress(format!("quality: {name} ({} queries)", queries.len()));
        for (label, modes, fusion) in [
            ("BM25", Mode::Bm25, None),
            ("vector", Mode::Vector, None),
            // No fusion named: what a search uses (no tuning is stored yet).
            ("hybrid", Mode::Hybrid, None),
            ("hybrid RRF 1:1", Mode::Hybrid, Some(Fusion::rrf())),
            (
                "RRF + evidence",
                Mode::Hybrid,
                Some(convex(FusionMethod::Rrf)),
            ),
            ("min-max", Mode::Hybrid, Some(convex(FusionMethod::Minmax))),
            ("z-score", Mode::Hybrid, Some(convex(FusionMethod::Zscore))),
        ] {
            let opts = EvalOptions {
                modes: vec![modes],
                k: K,
                fusion,
                ..EvalOptions::default()
            };
            let r = eval::run::run(pool, queries, &opts, name, Arc::clone(&source)).await?;
            for m in r.modes {
                rows.push(Row {
                    set: name.into(),
                    queries: queries.len(),
                    retrieval: label.into(),
                    recall: m.recall,
                    mrr: m.mrr,
                    ndcg: m.ndcg,
                    p50_ms: m.p50_ms,
                });
            }
        }
    }
    // Tuned on everything, then each set with what the tuning stored for the model.
    progress(format!("quality: tuning on all ({} queries)", all.len()));
    let t = eval::tune::tune(
        pool,
        &all,
        "all",
        None,
        None,
        K,
        "bench",
        Arc::clone(&source),
    )
    .await?;
    let label = format!(
        "tuned ({:?}{}, {:.1} : {:.1})",
        t.chosen.tuning.fusion.method,
        if t.chosen.tuning.fusion.evidence {
            " + evidence"
        } else {
            ""
        },
        t.chosen.tuning.weights.bm25,
        t.chosen.tuning.weights.vector
    );
    for (name, queries) in [
        ("lexical", &s.lexical),
        ("paraphrase", &s.paraphrase),
        ("mixed", &s.mixed),
        ("all", &all),
    ] {
        if queries.is_empty() {
            continue;
        }
        let opts = EvalOptions {
            modes: vec![Mode::Hybrid],
            k: K,
            ..EvalOptions::default()
        };
        let r = eval::run::run(pool, queries, &opts, name, Arc::clone(&source)).await?;
        for m in r.modes {
            rows.push(Row {
                set: name.into(),
                queries: queries.len(),
                retrieval: label.clone(),
                recall: m.recall,
                mrr: m.mrr,
                ndcg: m.ndcg,
                p50_ms: m.p50_ms,
            });
        }
    }
    rows.sort_by_key(|r| set_order(&r.set));
    Ok(QualityReport {
        documents,
        rows,
        held_out,
    })
}

fn set_order(name: &str) -> usize {
    ["lexical", "paraphrase", "mixed", "all"]
        .iter()
        .position(|n| *n == name)
        .unwrap_or(4)
}

fn convex(method: FusionMethod) -> Fusion {
    Fusion {
        method,
        evidence: true,
    }
}

/// `dtrag bench search-quality`: the first `limit` glosses (all: None) in a scratch database,
/// embedded (or read from a vector cache made for exactly that corpus), then [`measure`].
pub async fn run(
    pool: &PgPool,
    wordnet_dir: &Path,
    models_dir: &Path,
    limit: Option<usize>,
    progress: &mut dyn FnMut(String),
) -> Result<QualityReport> {
    let (nouns, corpus) = super::corpus_files(wordnet_dir)?;
    let embedder: Arc<dyn Embedder> = Arc::new(LocalMiniLm::load_from(models_dir)?);
    let cache = match limit {
        Some(n) => wordnet_dir.join(format!("wordnet-3.0-glosses.first{n}.{MINILM}.vectors")),
        None => wordnet_dir.join(format!("wordnet-3.0-glosses.{MINILM}.vectors")),
    };
    crate::with_scratch_database(pool, |scratch| async move {
        let mut inputs = docs::read_inputs(&[&corpus])?;
        if let Some(n) = limit {
            inputs.truncate(n);
        }
        // No taxonomy here: the sets use no category scope.
        for d in &mut inputs {
            d.categories.clear();
        }
        progress(format!("quality: ingesting {} documents", inputs.len()));
        docs::add(&scratch, &inputs, ChunkSettings::default(), &mut |_, _| {}).await?;
        let model = store::register(
            &scratch,
            &NewModel {
                name: MINILM.into(),
                provider: Provider::Local,
                dims: MINILM_DIMS as i32,
                config: serde_json::json!({"model": MINILM}),
                hnsw: HnswSettings::default(),
            },
        )
        .await?;
        embed_corpus(&scratch, &model, &embedder, &cache, progress).await?;
        crate::vacuum_analyze(&scratch).await?;
        store::build_index(&scratch, MINILM, None).await?;
        measure(&scratch, &nouns, embedder, progress).await
    })
    .await
}
