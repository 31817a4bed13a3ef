//! Running a search: the scope, the two retrievers side by side, fusion, and the hit details.

use std::sync::Arc;
use std::time::Instant;

use sqlx::PgPool;

use super::fuse::{self, Ranked};
use super::{bm25 as bm25_list, present, scope_chunks, vector};
use super::{
    Bm25Params, Bm25Signal, Hit, Mode, SearchRequest, SearchResult, Timings, VectorSignal,
};
use crate::error::{Error, Result};
use crate::models::{self, EmbedderSource};

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

/// Runs a search. BM25 and the vector side (query embedding, then the k-NN query) run side by side
/// on two connections in hybrid mode.
///
/// The one rule for a corpus without vectors: when the request names no model and the default
/// model is missing or has no vectors yet, vector and hybrid searches fall back to BM25 and say
/// so in [`SearchResult::notice`]; a model named explicitly must have vectors.
pub async fn run(
    pool: &PgPool,
    req: &SearchRequest,
    embedders: Arc<dyn EmbedderSource>,
) -> Result<SearchResult> {
    let started = Instant::now();
    req.check()?;
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

    let mut notice = None;
    let mut mode = req.mode;
    let model = if mode == Mode::Bm25 {
        None
    } else {
        match &req.model {
            Some(name) => {
                let m = models::get(&mut conn, Some(name)).await?;
                if m.embedded == 0 && m.chunks > 0 {
                    return Err(Error::Invalid(format!(
                        "model {:?} has no vectors yet: run `dtrag embed --model {}`",
                        m.name, m.name
                    )));
                }
                Some(m)
            }
            None => match models::default_model(&mut conn).await? {
                Some(m) if m.embedded > 0 || m.chunks == 0 => Some(m),
                Some(m) => {
                    notice = Some(format!(
                        "BM25 only: model {:?} has no vectors yet (run `dtrag embed`)",
                        m.name
                    ));
                    None
                }
                None => {
                    notice = Some(
                        "BM25 only: no embedding model yet (`dtrag models add local`, then \
                         `dtrag embed`)"
                            .to_string(),
                    );
                    None
                }
            },
        }
    };
    if model.is_none() {
        mode = Mode::Bm25;
    }
    let effective = SearchRequest {
        mode,
        ..req.clone()
    };
    let want = effective.depth() as i64;
    let plan = model.as_ref().map(|m| {
        // No index yet: an exact scan is the only honest answer.
        vector::plan_for(req.exact || !m.indexed, scope_ref)
    });

    let bm25_side = async {
        if mode == Mode::Vector {
            return Ok::<_, Error>((Vec::new(), 0.0));
        }
        let t = Instant::now();
        let list = bm25_list::ranked(&mut conn, &req.query, want, scope_ref, req.bm25).await?;
        Ok((list, ms(t)))
    };
    let vector_side = async {
        let (Some(m), Some(plan)) = (&model, plan) else {
            return Ok::<_, Error>((Vec::new(), 0.0, 0.0));
        };
        // Getting the embedder may load a model (about a second, once per process) and blocks:
        // both happen on the blocking pool, while the BM25 side runs.
        let t = Instant::now();
        let (source, model_row, text) = (Arc::clone(&embedders), m.clone(), req.query.clone());
        let mut vecs = tokio::task::spawn_blocking(move || {
            source
                .embedder(&model_row)?
                .embed(&[text.as_str()])
                .map_err(Error::from)
        })
        .await
        .map_err(|e| Error::Internal(format!("the embedding task failed: {e}")))??;
        let qv = vecs
            .pop()
            .ok_or_else(|| Error::Internal("the embedder returned no vector".into()))?;
        let embed_ms = ms(t);
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

    let fused: Vec<(i64, f64)> = match mode {
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
        mode,
        hits,
        model: model.map(|m| m.name),
        plan: if mode == Mode::Bm25 { None } else { plan },
        scope_chunks: scope.as_ref().map(Vec::len),
        candidates: want as usize,
        notice,
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
    let list = bm25_list::ranked(&mut *conn, query, k, scope, params).await?;
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
