//! `dtrag bench search`: BM25, vector and hybrid search over WordNet 3.0 glosses (one document per
//! synset of every part of speech, 117,659 chunks; noun synsets classified under their own
//! taxonomy node) with the local all-MiniLM-L6-v2 model, in a scratch database.
//!
//! Embedding the whole corpus on two cores takes minutes, so the vectors are kept in a cache file
//! next to the corpus (keyed by a hash of every chunk text). With a valid cache the embedding
//! throughput is measured on a sample and the rest of the vectors are loaded from the file; the
//! report says which happened.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use pgvector::Vector;
use serde::Serialize;
use sqlx::PgPool;

use super::{Latency, Picker};
use dtrag_core::documents::{self as docs, ChunkSettings};
use dtrag_core::models::EmbedderSource;
use dtrag_core::models::{self as store, HnswSettings, KnnPlan, NewModel, Provider};
use dtrag_core::search::{self, vector, Mode, SearchRequest};
use dtrag_core::taxonomy::import;
use dtrag_core::taxonomy::model::PublishMeta;
use dtrag_core::{Error, Result};
use dtrag_embed::local::{LocalMiniLm, MINILM, MINILM_DIMS};
use dtrag_embed::Embedder;

/// Chunks embedded for the throughput figure when the cache holds the rest.
const SAMPLE: usize = 3_000;
const QUERIES: usize = 200;
const K: usize = 10;

#[derive(Debug, Clone, Serialize)]
pub struct Recall {
    pub ef_search: i32,
    pub recall_at_10: f64,
    pub latency: Latency,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub documents: usize,
    pub chunks: usize,
    pub ingest_ms: f64,
    pub ingest_chunks_per_s: f64,
    pub embed_chunks: usize,
    pub embed_chunks_per_s: f64,
    pub embed_from_cache: bool,
    /// Where the corpus vectors came from when not embedded in Rust here.
    pub vectors_source: String,
    /// sentence-transformers' throughput on the whole corpus, when it made the vectors.
    pub st_chunks_per_s: Option<f64>,
    pub index_ms: f64,
    pub index_bytes: i64,
    pub hnsw: HnswSettings,
    pub recall: Vec<Recall>,
    pub recall_scoped: f64,
    pub scope_chunks: f64,
    pub bm25: Latency,
    pub vector: Latency,
    pub hybrid: Latency,
    pub bm25_scoped: Latency,
    pub vector_scoped: Latency,
    pub hybrid_scoped: Latency,
    pub exact: Latency,
    pub query_embed: Latency,
}

impl Report {
    pub fn markdown(&self) -> String {
        let lat = |l: &Latency| l.describe(1);
        let mut recall = String::new();
        for r in &self.recall {
            recall += &format!(
                "| recall@10, HNSW vs exact, ef_search = {} | {:.3} ({}) |\n",
                r.ef_search,
                r.recall_at_10,
                lat(&r.latency)
            );
        }
        format!(
            "## Search (WordNet 3.0 glosses, all-MiniLM-L6-v2)\n\n\
             `dtrag bench search`: one document per WordNet 3.0 synset of every part of speech \
             ({} documents, {} chunks); noun synsets are classified under their own taxonomy node. \
             {} queries of 3 words drawn from random glosses, k = 10; latencies are end to end \
             through `search::run` (scope resolution, query embedding, SQL, hit details). Scoped \
             queries are limited to one of 5 category subtrees (animal, artifact, person, plant, \
             food; avg {:.0} chunks in scope, about 5 % of the corpus), which the vector side \
             answers with HNSW iterative scans. HNSW m = {}, ef_construction = {}.\n\n\
             | measure | figure |\n|---|---|\n\
             | ingest (chunking, tsvector, BM25 postings and statistics, one transaction) | {:.1} s, {:.0} chunks/s |\n\
             | embed, all-MiniLM-L6-v2 in Rust (candle, 2 cores, batches of 64) | {:.0} chunks/s ({}) |\n\
             | embed, sentence-transformers 6.2 / torch 2.15 (CPU, 2 threads, batches of 64) | {} |\n\
             | HNSW build | {:.1} s, {:.1} MB |\n\
             {}\
             | recall@10 scoped (HNSW iterative scan vs exact within the scope) | {:.3} |\n\
             | query embedding alone | {} |\n\
             | exact vector scan (brute force, unscoped) | {} |\n\
             | BM25 | {} |\n\
             | vector (HNSW) | {} |\n\
             | hybrid (BM25 + vector, RRF) | {} |\n\
             | BM25 scoped | {} |\n\
             | vector scoped | {} |\n\
             | hybrid scoped | {} |\n",
            self.documents,
            self.chunks,
            QUERIES,
            self.scope_chunks,
            self.hnsw.m,
            self.hnsw.ef_construction,
            self.ingest_ms / 1e3,
            self.ingest_chunks_per_s,
            self.embed_chunks_per_s,
            if self.embed_from_cache {
                format!(
                    "measured on {} chunks; the corpus vectors: {}",
                    self.embed_chunks, self.vectors_source
                )
            } else {
                format!("all {} chunks", self.embed_chunks)
            },
            self.st_chunks_per_s
                .map(|r| format!("{r:.0} chunks/s (whole corpus)"))
                .unwrap_or_else(|| "not measured in this run (see below)".into()),
            self.index_ms / 1e3,
            self.index_bytes as f64 / 1e6,
            recall,
            self.recall_scoped,
            lat(&self.query_embed),
            lat(&self.exact),
            lat(&self.bm25),
            lat(&self.vector),
            lat(&self.hybrid),
            lat(&self.bm25_scoped),
            lat(&self.vector_scoped),
            lat(&self.hybrid_scoped),
        )
    }
}

/// One loaded embedder for every query (the model loads once, as in the desktop app).
struct Loaded(Arc<dyn Embedder>);

impl EmbedderSource for Loaded {
    fn embedder(&self, _: &store::Model) -> Result<Arc<dyn Embedder>> {
        Ok(Arc::clone(&self.0))
    }
}

pub async fn run(
    pool: &PgPool,
    wordnet_dir: &Path,
    models_dir: &Path,
    progress: &mut dyn FnMut(String),
) -> Result<Report> {
    let nouns = wordnet_dir.join("wordnet-3.0-nouns.jsonl");
    let corpus = wordnet_dir.join("wordnet-3.0-glosses.jsonl");
    for f in [&nouns, &corpus] {
        if !f.exists() {
            return Err(Error::Invalid(format!(
                "{} is missing: run scripts/fetch-wordnet.sh first",
                f.display()
            )));
        }
    }
    let embedder: Arc<dyn Embedder> = Arc::new(LocalMiniLm::load_from(models_dir)?);
    let cache = wordnet_dir.join(format!("wordnet-3.0-glosses.{MINILM}.vectors"));
    super::with_scratch_database(pool, |scratch| {
        run_in(scratch, nouns, corpus, cache, embedder, progress)
    })
    .await
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

async fn run_in(
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
    sqlx::query("VACUUM ANALYZE").execute(&pool).await?;
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
    })
}

/// FNV-1a over every chunk text in id order: identifies the corpus a vector cache belongs to.
fn corpus_hash(texts: &[(i64, String)]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (_, t) in texts {
        for b in t.as_bytes().iter().chain(std::iter::once(&0u8)) {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

const CACHE_MAGIC: &[u8; 8] = b"DTRAGVC1";

fn read_cache(path: &Path, hash: u64, n: usize, dims: usize) -> Option<Vec<f32>> {
    let mut f = std::fs::File::open(path).ok()?;
    let mut head = [0u8; 32];
    f.read_exact(&mut head).ok()?;
    let field = |i: usize| u64::from_le_bytes(head[i..i + 8].try_into().unwrap_or([0; 8]));
    if &head[..8] != CACHE_MAGIC
        || field(8) != hash
        || field(16) != n as u64
        || field(24) != dims as u64
    {
        return None;
    }
    let mut bytes = Vec::with_capacity(n * dims * 4);
    f.read_to_end(&mut bytes).ok()?;
    if bytes.len() != n * dims * 4 {
        return None;
    }
    Some(
        bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect(),
    )
}

fn write_cache(path: &Path, hash: u64, dims: usize, vectors: &[Vec<f32>]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    let mut f =
        std::io::BufWriter::new(std::fs::File::create(&tmp).map_err(|e| Error::io_path(&tmp, e))?);
    let mut head = Vec::with_capacity(32);
    head.extend_from_slice(CACHE_MAGIC);
    head.extend_from_slice(&hash.to_le_bytes());
    head.extend_from_slice(&(vectors.len() as u64).to_le_bytes());
    head.extend_from_slice(&(dims as u64).to_le_bytes());
    f.write_all(&head).map_err(|e| Error::io_path(&tmp, e))?;
    for v in vectors {
        for x in v {
            f.write_all(&x.to_le_bytes())
                .map_err(|e| Error::io_path(&tmp, e))?;
        }
    }
    f.flush().map_err(|e| Error::io_path(&tmp, e))?;
    drop(f);
    std::fs::rename(&tmp, path).map_err(|e| Error::io_path(path, e))
}

struct CorpusVectors {
    /// Chunks embedded by the Rust model in this run (all, or the timing sample).
    embedded: usize,
    /// The Rust model's chunks/s.
    rate: f64,
    from_cache: bool,
    source: String,
    st_rate: Option<f64>,
}

/// Times the Rust embedder on the first `SAMPLE` texts.
async fn time_sample(
    embedder: &Arc<dyn Embedder>,
    texts: &[(i64, String)],
) -> Result<(usize, f64)> {
    let sample: Vec<String> = texts.iter().take(SAMPLE).map(|t| t.1.clone()).collect();
    let n = sample.len();
    let e = Arc::clone(embedder);
    let t = Instant::now();
    tokio::task::spawn_blocking(move || {
        for batch in sample.chunks(64) {
            let refs: Vec<&str> = batch.iter().map(String::as_str).collect();
            e.embed(&refs)?;
        }
        Ok::<_, dtrag_embed::EmbedError>(())
    })
    .await
    .map_err(|e| Error::Internal(e.to_string()))??;
    Ok((n, n as f64 / t.elapsed().as_secs_f64()))
}

async fn insert_vectors(
    pool: &PgPool,
    model: &store::Model,
    texts: &[(i64, String)],
    flat: &[f32],
    dims: usize,
) -> Result<()> {
    for (rows, vecs) in texts.chunks(5_000).zip(flat.chunks(5_000 * dims)) {
        let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
        let vs: Vec<Vector> = vecs
            .chunks(dims)
            .map(|v| Vector::from(v.to_vec()))
            .collect();
        store::insert_vectors(pool, model, &ids, &vs).await?;
    }
    Ok(())
}

/// sentence-transformers embeds the corpus (scripts/embed-corpus-st.py with the Python in
/// `DTRAG_BENCH_PYTHON`): returns the vectors and its chunks/s.
fn embed_with_python(
    python: &str,
    texts: &[(i64, String)],
    dims: usize,
) -> Result<(Vec<f32>, f64)> {
    let dir = std::env::temp_dir().join(format!("dtrag-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| Error::io_path(&dir, e))?;
    let input = dir.join("texts.json");
    let output = dir.join("vectors.f32");
    let list: Vec<&str> = texts.iter().map(|t| t.1.as_str()).collect();
    let json = serde_json::to_vec(&list).map_err(|e| Error::Internal(e.to_string()))?;
    std::fs::write(&input, json).map_err(|e| Error::io_path(&input, e))?;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/embed-corpus-st.py");
    let out = std::process::Command::new(python)
        .arg(&script)
        .arg(&input)
        .arg(&output)
        .output()
        .map_err(|e| Error::io(format!("running {python}"), e))?;
    if !out.status.success() {
        return Err(Error::Internal(format!(
            "{} failed: {}",
            script.display(),
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    let line = String::from_utf8_lossy(&out.stdout).to_string();
    let rate = line
        .rsplit('=')
        .next()
        .and_then(|r| r.split_whitespace().next())
        .and_then(|r| r.parse::<f64>().ok())
        .ok_or_else(|| Error::Internal(format!("unexpected output from the script: {line}")))?;
    let bytes = std::fs::read(&output).map_err(|e| Error::io_path(&output, e))?;
    let _ = std::fs::remove_dir_all(&dir);
    if bytes.len() != texts.len() * dims * 4 {
        return Err(Error::Internal(format!(
            "the script wrote {} bytes, expected {}",
            bytes.len(),
            texts.len() * dims * 4
        )));
    }
    let flat = bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    Ok((flat, rate))
}

/// Stores vectors for every chunk: from the cache when it matches the corpus; else from
/// sentence-transformers when `DTRAG_BENCH_PYTHON` names a Python that has it (writing the cache);
/// else by the Rust model over the whole corpus (slow on two cores; also writes the cache). The
/// Rust throughput is measured on a sample whenever it does not embed everything itself.
async fn embed_corpus(
    pool: &PgPool,
    model: &store::Model,
    embedder: &Arc<dyn Embedder>,
    cache: &Path,
    progress: &mut dyn FnMut(String),
) -> Result<CorpusVectors> {
    let texts: Vec<(i64, String)> = sqlx::query_as("SELECT id, text FROM chunk ORDER BY id")
        .fetch_all(pool)
        .await?;
    let hash = corpus_hash(&texts);
    let dims = MINILM_DIMS;
    if let Some(flat) = read_cache(cache, hash, texts.len(), dims) {
        progress(format!(
            "vector cache {} is valid: timing {SAMPLE} chunks, loading the rest",
            cache.display()
        ));
        let (n, rate) = time_sample(embedder, &texts).await?;
        insert_vectors(pool, model, &texts, &flat, dims).await?;
        return Ok(CorpusVectors {
            embedded: n,
            rate,
            from_cache: true,
            source: format!("read from the cache {}", cache.display()),
            st_rate: None,
        });
    }
    if let Ok(python) = std::env::var("DTRAG_BENCH_PYTHON") {
        progress(format!(
            "embedding {} chunks with sentence-transformers",
            texts.len()
        ));
        let (flat, st_rate) = embed_with_python(&python, &texts, dims)?;
        progress(format!(
            "sentence-transformers: {st_rate:.0} chunks/s; timing the Rust model"
        ));
        let (n, rate) = time_sample(embedder, &texts).await?;
        insert_vectors(pool, model, &texts, &flat, dims).await?;
        let vectors: Vec<Vec<f32>> = flat.chunks(dims).map(<[f32]>::to_vec).collect();
        write_cache(cache, hash, dims, &vectors)?;
        return Ok(CorpusVectors {
            embedded: n,
            rate,
            from_cache: true,
            source:
                "computed by sentence-transformers in this run (same model; tests/embed_local.rs \
                     checks the Rust vectors equal its output to cosine ≥ 0.999)"
                    .into(),
            st_rate: Some(st_rate),
        });
    }
    progress(format!(
        "embedding all {} chunks (no valid cache at {})",
        texts.len(),
        cache.display()
    ));
    let mut last = Instant::now();
    let report = store::embed_pending(pool, model, Arc::clone(embedder), 64, &mut |done, total| {
        if last.elapsed() > Duration::from_secs(30) {
            eprintln!("  embedded {done} / {total}");
            last = Instant::now();
        }
    })
    .await?;
    let stored: Vec<(i64, Vector)> = sqlx::query_as(
        "SELECT chunk_id, embedding FROM chunk_embedding WHERE model_id = $1 ORDER BY chunk_id",
    )
    .bind(model.id)
    .fetch_all(pool)
    .await?;
    let vectors: Vec<Vec<f32>> = stored.into_iter().map(|(_, v)| v.to_vec()).collect();
    write_cache(cache, hash, dims, &vectors)?;
    Ok(CorpusVectors {
        embedded: report.embedded,
        rate: report.chunks_per_s,
        from_cache: false,
        source: "embedded by the Rust model in this run".into(),
        st_rate: None,
    })
}
