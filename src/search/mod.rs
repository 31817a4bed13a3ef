//! Search over document chunks in three modes: Okapi BM25 ([`bm25`]), vector search through a
//! model's HNSW index ([`vector`]), and hybrid — both, fused by weighted reciprocal rank fusion
//! ([`fuse`]). Every hit explains itself (its BM25 rank and score, its vector rank and distance),
//! and results can be limited to documents classified under categories at a version ([`scope`]).

pub mod bm25;
pub mod fuse;
pub mod present;
pub mod scope;
pub mod vector;

use std::time::Instant;

use serde::{Deserialize, Serialize};
use sqlx::PgPool;

pub use bm25::Bm25Params;
pub use present::Fragment;
pub use scope::{scope_chunks, scope_documents};

use crate::embed::store::{self, KnnPlan};
use crate::embed::EmbedderSource;
use crate::error::{Error, Result};
use fuse::Ranked;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Mode {
    #[default]
    Hybrid,
    Bm25,
    Vector,
}

/// Weights of the two retrievers in hybrid fusion.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Weights {
    pub bm25: f64,
    pub vector: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            bm25: 1.0,
            vector: 1.0,
        }
    }
}

/// A search. `Default` gives a hybrid top-10 over everything at the head with the default model.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SearchRequest {
    pub query: String,
    pub mode: Mode,
    pub k: usize,
    /// Category keys: only documents classified under them or their descendants.
    pub under: Vec<String>,
    /// Taxonomy version the scope is read at (default: head).
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub version: Option<i64>,
    pub bm25: Bm25Params,
    pub weights: Weights,
    /// RRF damping constant.
    pub rrf_k: f64,
    /// Brute-force vector scan instead of HNSW (ground truth for recall).
    pub exact: bool,
    /// Embedding model name (default: the default model).
    pub model: Option<String>,
    /// `hnsw.ef_search` for this query (default: the model's setting).
    pub ef_search: Option<i32>,
    /// How many candidates each retriever hands to fusion (default: max(4·k, 50)).
    pub candidates: Option<usize>,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            query: String::new(),
            mode: Mode::Hybrid,
            k: 10,
            under: Vec::new(),
            version: None,
            bm25: Bm25Params::default(),
            weights: Weights::default(),
            rrf_k: 60.0,
            exact: false,
            model: None,
            ef_search: None,
            candidates: None,
        }
    }
}

/// A hit's BM25 side.
#[derive(Debug, Clone, Copy, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Bm25Signal {
    pub rank: usize,
    pub score: f64,
}

/// A hit's vector side.
#[derive(Debug, Clone, Copy, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VectorSignal {
    pub rank: usize,
    /// Cosine distance (0 = same direction, 2 = opposite).
    pub distance: f64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Hit {
    pub rank: usize,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub chunk_id: i64,
    /// The document's source id.
    pub document: String,
    pub title: String,
    /// The mode's score: BM25 score, 1 − cosine distance, or the fused RRF score.
    pub score: f64,
    pub text: String,
    /// `text` cut into plain and matching pieces, for highlighting.
    pub fragments: Vec<Fragment>,
    /// The document's category keys.
    pub categories: Vec<String>,
    /// Why it is here: its place in the BM25 list, if it was in it.
    pub bm25: Option<Bm25Signal>,
    /// Its place in the vector list, if it was in it.
    pub vector: Option<VectorSignal>,
}

impl Hit {
    fn new(
        rank: usize,
        chunk_id: i64,
        score: f64,
        d: present::Details,
        bm25: Option<Bm25Signal>,
        vector: Option<VectorSignal>,
    ) -> Self {
        Hit {
            rank,
            chunk_id,
            document: d.document,
            title: d.title,
            score,
            text: d.text,
            fragments: d.fragments,
            categories: d.categories,
            bm25,
            vector,
        }
    }
}

/// Where the time went, in milliseconds.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Timings {
    pub scope_ms: f64,
    pub embed_ms: f64,
    pub bm25_ms: f64,
    pub vector_ms: f64,
    pub total_ms: f64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SearchResult {
    pub mode: Mode,
    pub hits: Vec<Hit>,
    /// The embedding model used (vector and hybrid modes).
    pub model: Option<String>,
    /// How the vectors were read (vector and hybrid modes).
    pub plan: Option<KnnPlan>,
    /// Chunks in the category scope, when there is one.
    pub scope_chunks: Option<usize>,
    /// How many candidates each retriever contributed (hybrid: the depth of the lists fused; a
    /// hit absent from a list was not in its top `candidates`).
    pub candidates: usize,
    pub timings: Timings,
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

/// Runs a search. BM25 and the vector side (query embedding, then the k-NN query) run side by side
/// on two connections in hybrid mode.
pub async fn run(
    pool: &PgPool,
    req: &SearchRequest,
    embedders: &dyn EmbedderSource,
) -> Result<SearchResult> {
    let started = Instant::now();
    if req.k == 0 || req.k > 1000 {
        return Err(Error::Invalid(format!("k must be 1..=1000, not {}", req.k)));
    }
    if req.weights.bm25 < 0.0
        || req.weights.vector < 0.0
        || !req.rrf_k.is_finite()
        || req.rrf_k < 0.0
    {
        return Err(Error::Invalid(
            "weights and the RRF constant must be non-negative numbers".into(),
        ));
    }
    let mut timings = Timings::default();
    let mut conn = pool.acquire().await?;
    let scope = if req.under.is_empty() {
        None
    } else {
        let t = Instant::now();
        let s = scope_chunks(&mut conn, req.version, &req.under).await?;
        timings.scope_ms = ms(t);
        Some(s)
    };
    let scope_ref = scope.as_deref();
    let want = match req.mode {
        Mode::Hybrid => req.candidates.unwrap_or((4 * req.k).max(50)).max(req.k),
        _ => req.k,
    } as i64;
    let use_bm25 = req.mode != Mode::Vector;
    let use_vector = req.mode != Mode::Bm25;

    let model = if use_vector {
        Some(store::get(&mut conn, req.model.as_deref()).await?)
    } else {
        None
    };
    let plan = model.as_ref().map(|m| {
        if !m.indexed && !req.exact {
            // No index yet: an exact scan is the only honest answer.
            vector::plan_for(true, scope_ref)
        } else {
            vector::plan_for(req.exact, scope_ref)
        }
    });
    if let Some(m) = &model {
        if m.embedded == 0 && m.chunks > 0 {
            return Err(Error::Invalid(format!(
                "model {:?} has no vectors yet: run `dtrag embed --model {}`",
                m.name, m.name
            )));
        }
    }

    // Getting the embedder may load a model (about a second, once per process): done before the
    // two sides start so it does not stall the BM25 side, and counted as embedding time.
    let t = Instant::now();
    let embedder = match &model {
        Some(m) => Some(embedders.embedder(m)?),
        None => None,
    };
    let load_ms = ms(t);
    let bm25_side = async {
        if !use_bm25 {
            return Ok::<_, Error>((Vec::new(), 0.0));
        }
        let t = Instant::now();
        let list = bm25::ranked(&mut conn, &req.query, want, scope_ref, req.bm25).await?;
        Ok((list, ms(t)))
    };
    let vector_side = async {
        let (Some(m), Some(plan)) = (&model, plan) else {
            return Ok::<_, Error>((Vec::new(), 0.0, 0.0));
        };
        let Some(embedder) = embedder else {
            return Ok((Vec::new(), 0.0, 0.0));
        };
        let t = Instant::now();
        let text = req.query.clone();
        let mut vecs = tokio::task::spawn_blocking(move || embedder.embed(&[text.as_str()]))
            .await
            .map_err(|e| Error::Search(format!("the embedding task failed: {e}")))??;
        let qv = vecs
            .pop()
            .ok_or_else(|| Error::Search("the embedder returned no vector".into()))?;
        let embed_ms = load_ms + ms(t);
        let t = Instant::now();
        let mut vconn = pool.acquire().await?;
        let list = vector::ranked(&mut vconn, m, &qv, want, scope_ref, plan, req.ef_search).await?;
        Ok((list, embed_ms, ms(t)))
    };
    let (b, v) = tokio::join!(bm25_side, vector_side);
    let (bm25_list, bm25_ms) = b?;
    let (vec_list, embed_ms, vector_ms) = v?;
    timings.bm25_ms = bm25_ms;
    timings.embed_ms = embed_ms;
    timings.vector_ms = vector_ms;

    let fused: Vec<(i64, f64)> = match req.mode {
        Mode::Bm25 => bm25_list.iter().map(|r| (r.chunk_id, r.value)).collect(),
        Mode::Vector => vec_list
            .iter()
            .map(|r| (r.chunk_id, 1.0 - r.value))
            .collect(),
        Mode::Hybrid => fuse::rrf(
            &[&bm25_list, &vec_list],
            &[req.weights.bm25, req.weights.vector],
            req.rrf_k,
            req.k,
        )
        .into_iter()
        .map(|f| (f.chunk_id, f.score))
        .collect(),
    };
    let signal = |list: &[Ranked], id: i64| {
        list.iter()
            .position(|r| r.chunk_id == id)
            .map(|p| (p + 1, list[p].value))
    };
    let ids: Vec<i64> = fused.iter().map(|f| f.0).collect();
    let mut details = present::details(&mut conn, &ids, &req.query).await?;
    let hits = fused
        .iter()
        .enumerate()
        .filter_map(|(i, &(id, score))| {
            let d = details.remove(&id)?;
            let bm25 = signal(&bm25_list, id).map(|(rank, score)| Bm25Signal { rank, score });
            let vector =
                signal(&vec_list, id).map(|(rank, distance)| VectorSignal { rank, distance });
            Some(Hit::new(i + 1, id, score, d, bm25, vector))
        })
        .collect();
    timings.total_ms = ms(started);
    Ok(SearchResult {
        mode: req.mode,
        hits,
        model: model.map(|m| m.name),
        plan: if use_vector { plan } else { None },
        scope_chunks: scope.as_ref().map(Vec::len),
        candidates: want as usize,
        timings,
    })
}

/// BM25 alone, with hit details: the straightforward form used by tests and simple callers.
/// `scope`: chunk ids (see [`scope_chunks`]).
pub async fn bm25(
    conn: &mut sqlx::PgConnection,
    query: &str,
    k: i64,
    scope: Option<&[i64]>,
    params: Bm25Params,
) -> Result<Vec<Hit>> {
    let list = bm25::ranked(&mut *conn, query, k, scope, params).await?;
    let ids: Vec<i64> = list.iter().map(|r| r.chunk_id).collect();
    let mut details = present::details(&mut *conn, &ids, query).await?;
    Ok(list
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let d = details.remove(&r.chunk_id)?;
            let signal = Bm25Signal {
                rank: i + 1,
                score: r.value,
            };
            Some(Hit::new(i + 1, r.chunk_id, r.value, d, Some(signal), None))
        })
        .collect())
}
