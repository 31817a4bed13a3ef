//! The benchmark proper, in the scratch database: import and ingest, embed and index, then the
//! recall and latency measurement loops that fill the [`Report`].

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::PgPool;

use super::agents;
use super::corpus_vectors::embed_corpus;
use super::{Recall, Report, K, QUERIES};
use crate::{Latency, Picker};
use dtrag_core::documents::{self as docs, ChunkSettings};
use dtrag_core::models::EmbedderSource;
use dtrag_core::models::{self as store, HnswSettings, KnnPlan, NewModel, Provider};
use dtrag_core::search::{self, vector, Mode, SearchRequest};
use dtrag_core::taxonomy::import;
use dtrag_core::taxonomy::model::PublishMeta;
use dtrag_core::{Error, Result};
use dtrag_embed::local::{MINILM, MINILM_DIMS};
use dtrag_embed::Embedder;

/// One loaded embedder for every query (the model loads once, as in the desktop app).
struct Loaded(Arc<dyn Embedder>);

impl EmbedderSource for Loaded {
    fn embedder(&self, _: &store::Model) -> Result<Arc<dyn Embedder>> {
        Ok(Arc::clone(&self.0))
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

pub(super) async fn run_in(
    pool: PgPool,
    nouns: PathBuf,
    corpus: PathBuf,
    cache: PathBuf,
    embedder: Arc<dyn Embedder>,
    progress: &mut dyn FnMut(String),
) -> Result<Report> {
    let meta = PublishMeta {
        author: "bench".into(),
        message: "WordNet 3.0".into(),
    };
    import::import(&pool, import::read_file(&nouns)?, &meta, "wordnet-3.0").await?;
    let inputs = docs::read_inputs(&[&corpus])?;
    progress(format!(
        "imported the taxonomy; ingesting {} documents",
        inputs.len()
    ));
    let t = Instant::now();
    let ingest = docs::add(&pool, &inputs, ChunkSettings::default(), &mut |_, _| {}).await?;
    let ingest_ms = ms(t.elapsed());
    progress(format!(
        "ingest: {:.1} s, {} chunks",
        ingest_ms / 1e3,
        ingest.chunks_written
    ));

    let model = store::register(
        &pool,
        &NewModel {
            name: MINILM.into(),
            provider: Provider::Local,
            dims: MINILM_DIMS as i32,
            config: serde_json::json!({"model": MINILM}),
            hnsw: HnswSettings::default(),
        },
    )
    .await?;
    let corpus_vectors = embed_corpus(&pool, &model, &embedder, &cache, progress).await?;
    let (embed_chunks, embed_rate, from_cache) = (
        corpus_vectors.embedded,
        corpus_vectors.rate,
        corpus_vectors.from_cache,
    );
    progress(format!("embed: {embed_rate:.0} chunks/s"));
    crate::vacuum_analyze(&pool).await?;
    let index = store::build_index(&pool, MINILM, None).await?;
    progress(format!(
        "HNSW index: {:.1} s, {:.1} MB",
        index.took_ms / 1e3,
        index.size_bytes as f64 / 1e6
    ));
    let model = {
        let mut conn = pool.acquire().await?;
        store::get(&mut conn, Some(MINILM)).await?
    };

    // Queries: 3 words drawn from random glosses.
    let mut pick = Picker::new(7);
    let words: Vec<Vec<&str>> = inputs
        .iter()
        .map(|d| d.text.split_whitespace().filter(|w| w.len() > 3).collect())
        .collect();
    let mut queries = Vec::new();
    while queries.len() < QUERIES {
        let ws = &words[pick.below(words.len())];
        if ws.len() >= 3 {
            queries.push(format!(
                "{} {} {}",
                ws[pick.below(ws.len())],
                ws[pick.below(ws.len())],
                ws[pick.below(ws.len())]
            ));
        }
    }
    let scope_roots = [
        "animal%1:03:00::",
        "artifact%1:03:00::",
        "person%1:03:00::",
        "plant%1:03:00::",
        "food%1:03:00::",
    ];

    // Query vectors once, for the recall measurements (timed: the query embedding alone).
    let mut qvecs = Vec::new();
    let mut embed_times = Vec::new();
    for q in &queries {
        let e = Arc::clone(&embedder);
        let q = q.clone();
        let t = Instant::now();
        let v = tokio::task::spawn_blocking(move || e.embed(&[q.as_str()]))
            .await
            .map_err(|e| Error::Internal(e.to_string()))??;
        embed_times.push(t.elapsed());
        qvecs.push(v.into_iter().next().unwrap_or_default());
    }

    // Recall@10 of HNSW against the exact scan, for a few ef_search values.
    progress("recall: exact scans".into());
    let mut conn = pool.acquire().await?;
    let mut truth = Vec::new();
    let mut exact_times = Vec::new();
    for v in &qvecs {
        let t = Instant::now();
        let r = vector::ranked(&mut conn, &model, v, K as i64, None, KnnPlan::Exact, None).await?;
        exact_times.push(t.elapsed());
        truth.push(r.into_iter().map(|x| x.chunk_id).collect::<Vec<_>>());
    }
    let mut recall = Vec::new();
    for ef in [20, 40, 100, 200] {
        let mut hits = 0usize;
        let mut total = 0usize;
        let mut times = Vec::new();
        for (v, want) in qvecs.iter().zip(&truth) {
            let t = Instant::now();
            let got = vector::ranked(
                &mut conn,
                &model,
                v,
                K as i64,
                None,
                KnnPlan::Hnsw,
                Some(ef),
            )
            .await?;
            times.push(t.elapsed());
            hits += got.iter().filter(|g| want.contains(&g.chunk_id)).count();
            total += want.len();
        }
        recall.push(Recall {
            ef_search: ef,
            recall_at_10: hits as f64 / total.max(1) as f64,
            latency: Latency::of(times),
        });
    }
    // Scoped recall: HNSW with iterative scans vs exact within the scope.
    let mut scoped_hits = 0usize;
    let mut scoped_total = 0usize;
    let mut in_scope = 0usize;
    for (i, v) in qvecs.iter().enumerate() {
        let root = scope_roots[i % scope_roots.len()].to_string();
        let scope = search::scope_chunks(&mut conn, None, &[root]).await?;
        in_scope += scope.len();
        let want = vector::ranked(
            &mut conn,
            &model,
            v,
            K as i64,
            Some(&scope),
            KnnPlan::Exact,
            None,
        )
        .await?;
        let got = vector::ranked(
            &mut conn,
            &model,
            v,
            K as i64,
            Some(&scope),
            KnnPlan::Hnsw,
            None,
        )
        .await?;
        scoped_hits += got
            .iter()
            .filter(|g| want.iter().any(|w| w.chunk_id == g.chunk_id))
            .count();
        scoped_total += want.len();
    }
    drop(conn);

    // End-to-end latencies of the three modes, with and without a scope.
    progress("latencies".into());
    let source: Arc<dyn EmbedderSource> = Arc::new(Loaded(Arc::clone(&embedder)));
    let mut times: [Vec<Duration>; 6] = Default::default();
    for (i, q) in queries.iter().enumerate() {
        for (slot, mode) in [Mode::Bm25, Mode::Vector, Mode::Hybrid]
            .into_iter()
            .enumerate()
        {
            for scoped in [false, true] {
                let req = SearchRequest {
                    query: q.clone(),
                    mode,
                    k: K,
                    under: if scoped {
                        vec![scope_roots[i % scope_roots.len()].to_string()]
                    } else {
                        Vec::new()
                    },
                    ..SearchRequest::default()
                };
                let t = Instant::now();
                search::run(&pool, &req, Arc::clone(&source)).await?;
                times[slot * 2 + usize::from(scoped)].push(t.elapsed());
            }
        }
    }
    let [bm25, bm25_scoped, vector_t, vector_scoped, hybrid, hybrid_scoped] = times;
    let agents = agents::measure(
        agents::Inputs {
            pool: &pool,
            model: &model,
            embedder: &embedder,
            source: Arc::clone(&source),
            queries: &queries,
            qvecs: &qvecs,
            roots: &scope_roots,
        },
        progress,
    )
    .await?;
    Ok(Report {
        documents: inputs.len(),
        chunks: ingest.chunks_written,
        ingest_ms,
        ingest_chunks_per_s: ingest.chunks_written as f64 / (ingest_ms / 1e3),
        embed_chunks,
        embed_chunks_per_s: embed_rate,
        embed_from_cache: from_cache,
        vectors_source: corpus_vectors.source,
        st_chunks_per_s: corpus_vectors.st_rate,
        index_ms: index.took_ms,
        index_bytes: index.size_bytes,
        hnsw: index.hnsw,
        recall,
        recall_scoped: scoped_hits as f64 / scoped_total.max(1) as f64,
        scope_chunks: in_scope as f64 / qvecs.len().max(1) as f64,
        bm25: Latency::of(bm25),
        vector: Latency::of(vector_t),
        hybrid: Latency::of(hybrid),
        bm25_scoped: Latency::of(bm25_scoped),
        vector_scoped: Latency::of(vector_scoped),
        hybrid_scoped: Latency::of(hybrid_scoped),
        exact: Latency::of(exact_times),
        query_embed: Latency::of(embed_times),
        agents,
    })
}
