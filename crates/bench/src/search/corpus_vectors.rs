//! The corpus vectors: a cache file keyed by the corpus, sentence-transformers side by side in
//! Python, or the Rust model over everything; and the Rust throughput timed on a sample.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use pgvector::Vector;
use sqlx::PgPool;

use dtrag_core::models as store;
use dtrag_core::{Error, Result};
use dtrag_embed::local::MINILM_DIMS;
use dtrag_embed::Embedder;

/// Chunks embedded for the throughput figure when the cache holds the rest.
const SAMPLE: usize = 3_000;

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

pub(crate) struct CorpusVectors {
    /// Chunks embedded by the Rust model in this run (all, or the timing sample).
    pub(super) embedded: usize,
    /// The Rust model's chunks/s.
    pub(super) rate: f64,
    pub(super) from_cache: bool,
    pub(super) source: String,
    pub(super) st_rate: Option<f64>,
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
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/embed-corpus-st.py");
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
pub(crate) async fn embed_corpus(
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
