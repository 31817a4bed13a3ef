//! Running a search: the scope, the two retrievers side by side, fusion, and the hit details.

use std::sync::Arc;
use std::time::Instant;

use sqlx::{PgConnection, PgPool};

use super::bm25::Bm25Stats;
use super::fuse::{self, Ranked};
use super::fused;
use super::{bm25 as bm25_list, present, scope_chunks, vector};
use super::{Bm25Params, Bm25Signal, Hit, Mode, SearchRequest, SearchResult, Timings};
use crate::error::{Error, Result};
use crate::models::{self, Counts, EmbedderSource, KnnPlan, Model};

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
    let mut conn = pool.acquire().await?;
    let mut plan = prepare(&mut conn, req, embedders).await?;
    let mut second = match plan.model {
        Some(_) => Some(pool.acquire().await?),
        None => None,
    };
    let lists = retrieve(
        &mut conn,
        second.as_deref_mut(),
        &mut plan,
        Bm25Stats::Corpus,
    )
    .await?;
    present(&mut conn, plan, lists, started).await
}

/// What a request resolved to before anything is retrieved: the effective mode, the model, the
/// vector plan, the `under` scope and the notice for the caller.
pub(crate) struct Prepared {
    pub req: SearchRequest,
    pub model: Option<Model>,
    /// The query's vector, being computed since the model was known (taken by [`retrieve`]).
    pub query_vector: Option<QueryVector>,
    pub plan: Option<KnnPlan>,
    pub scope: Option<Vec<i64>>,
    /// Whether `scope` is only what a row policy already admits (an agent's whole scope, read to
    /// scan it by key): BM25 then leaves the filtering to the policy instead of doing it twice.
    pub scope_is_policy: bool,
    pub notice: Option<String>,
    pub timings: Timings,
    /// Whether `req.fusion` and `req.weights` came from the model's stored tuning.
    pub tuned: bool,
}

/// The two ranked lists, and the BM25 side's evidence (see [`fuse::LexicalEvidence`]).
pub(crate) struct Lists {
    pub bm25: Vec<Ranked>,
    pub vector: Vec<Ranked>,
    pub evidence: fuse::LexicalEvidence,
}

/// A query's vector, computed on the blocking pool (getting the embedder may load a model: about
/// a second, once per process) while the caller goes on.
pub(crate) struct QueryVector(tokio::task::JoinHandle<Result<(Vec<f32>, f64)>>);

impl QueryVector {
    fn start(source: Arc<dyn EmbedderSource>, model: &Model, text: &str) -> Self {
        let (model, text) = (model.clone(), text.to_owned());
        QueryVector(tokio::task::spawn_blocking(move || {
            let t = Instant::now();
            let mut vecs = source.embedder(&model)?.embed(&[text.as_str()])?;
            let qv = vecs
                .pop()
                .ok_or_else(|| Error::Internal("the embedder returned no vector".into()))?;
            Ok((qv, ms(t)))
        }))
    }

    /// The vector and how long the embedding itself took (ms).
    async fn wait(self) -> Result<(Vec<f32>, f64)> {
        self.0
            .await
            .map_err(|e| Error::Internal(format!("the embedding task failed: {e}")))?
    }
}

/// Checks the request, picks the model (and starts embedding the query with it), computes the
/// `under` scope and picks the plan. The embedding runs while the rest is prepared and, for an
/// agent, while its connections take the role: it is the longest single step of a search.
pub(crate) async fn prepare(
    conn: &mut PgConnection,
    req: &SearchRequest,
    embedders: Arc<dyn EmbedderSource>,
) -> Result<Prepared> {
    req.check()?;
    let mut timings = Timings::default();
    let mut notice = None;
    let mut mode = req.mode;
    let model = if mode == Mode::Bm25 {
        None
    } else {
        match &req.model {
            Some(name) => {
                let m = models::get_with(&mut *conn, Some(name), Counts::Presence).await?;
                if m.embedded == 0 && m.chunks > 0 {
                    return Err(Error::Invalid(format!(
                        "model {:?} has no vectors yet: run `dtrag embed --model {}`",
                        m.name, m.name
                    )));
                }
                Some(m)
            }
            None => match models::default_model_with(&mut *conn, Counts::Presence).await? {
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
    let query_vector = model
        .as_ref()
        .map(|m| QueryVector::start(embedders, m, &req.query));
    let scope = if req.under.is_empty() {
        None
    } else {
        let t = Instant::now();
        let s = scope_chunks(&mut *conn, req.version, &req.under).await?;
        timings.scope_ms = ms(t);
        Some(s)
    };
    // No index yet: an exact scan is the only honest answer.
    let plan = model
        .as_ref()
        .map(|m| vector::plan_for(req.exact || !m.indexed, scope.as_deref()));
    let mut req = SearchRequest {
        mode,
        ..req.clone()
    };
    let tuned = fused::resolve(&mut *conn, &mut req, model.as_ref()).await?;
    Ok(Prepared {
        req,
        model,
        query_vector,
        plan,
        scope,
        scope_is_policy: false,
        notice,
        timings,
        tuned,
    })
}

/// Runs the retrievers: BM25 on `conn`, the vector side on `second` (required when the plan
/// has a model), side by side. A large exact scan of a scope is split: `second` scans one half
/// and `conn`, once BM25 is done (it usually is before the query vector is ready), the other.
pub(crate) async fn retrieve(
    conn: &mut PgConnection,
    second: Option<&mut PgConnection>,
    p: &mut Prepared,
    stats: Bm25Stats,
) -> Result<Lists> {
    let query_vector = p.query_vector.take();
    let want = p.req.depth() as i64;
    let (req, scope, model) = (&p.req, p.scope.as_deref(), p.model.as_ref());
    let bm25_scope = if p.scope_is_policy { None } else { scope };
    let split = match (model, p.plan) {
        (Some(_), Some(plan)) => vector::split_scope(plan, scope),
        _ => None,
    };
    // The vector side hands the query vector over when it is ready; dropped unsent on an error,
    // which the vector side reports.
    let (hand_over, handed) = tokio::sync::oneshot::channel::<Vec<f32>>();
    let bm25_side = async {
        let t = Instant::now();
        let list = if req.mode == Mode::Vector {
            Default::default()
        } else {
            let q = &req.query;
            bm25_list::ranked_with_evidence(&mut *conn, q, want, bm25_scope, req.bm25, stats)
                .await?
        };
        let bm25_ms = ms(t);
        let part = match (split, model) {
            (Some((first, _)), Some(m)) => match handed.await {
                Ok(qv) => {
                    let plan = KnnPlan::ExactInScope;
                    vector::ranked(&mut *conn, m, &qv, want, Some(first), plan, None).await?
                }
                Err(_) => Vec::new(),
            },
            _ => Vec::new(),
        };
        Ok::<_, Error>((list, bm25_ms, part))
    };
    let vector_side = async {
        let (Some(m), Some(plan), Some(query_vector)) = (model, p.plan, query_vector) else {
            return Ok::<_, Error>((Vec::new(), 0.0, None));
        };
        let vconn =
            second.ok_or_else(|| Error::Internal("a vector search needs its connection".into()))?;
        let (qv, embed_ms) = query_vector.wait().await?;
        let ready = Instant::now();
        let own = match split {
            Some((_, rest)) => {
                // A send fails only when the BM25 side has already failed: its error is reported.
                let _ = hand_over.send(qv.clone());
                Some(rest)
            }
            None => scope,
        };
        let list = vector::ranked(vconn, m, &qv, want, own, plan, req.ef_search).await?;
        Ok((list, embed_ms, Some(ready)))
    };
    let (b, v) = tokio::join!(bm25_side, vector_side);
    let (bm25, bm25_ms, part) = b?;
    let (mut vector, embed_ms, ready) = v?;
    if split.is_some() {
        vector = vector::merge_nearest(vector, part, want);
    }
    // From the query vector until the last part is in (the BM25 connection's half may end last).
    let vector_ms = ready.map_or(0.0, ms);
    p.timings.bm25_ms = bm25_ms;
    p.timings.embed_ms = embed_ms;
    p.timings.vector_ms = vector_ms;
    let scores: Vec<f64> = bm25.ranked.iter().map(|r| r.value).collect();
    Ok(Lists {
        evidence: fuse::LexicalEvidence {
            matched: fuse::lexical_evidence(&bm25.matched, bm25.query_idf),
            distinctness: fuse::lexical_distinctness(&scores, want as usize),
        },
        bm25: bm25.ranked,
        vector,
    })
}

/// Fuses the lists and reads the hits' details.
pub(crate) async fn present(
    conn: &mut PgConnection,
    p: Prepared,
    lists: Lists,
    started: Instant,
) -> Result<SearchResult> {
    let (req, mode) = (&p.req, p.req.mode);
    let f = fused::fuse(req, &lists, p.tuned);
    let ids: Vec<i64> = f.hits.iter().map(|h| h.chunk_id).collect();
    let mut details = present::details(&mut *conn, &ids, &req.query).await?;
    let hits = f
        .hits
        .iter()
        .enumerate()
        .filter_map(|(i, h)| {
            let d = details.remove(&h.chunk_id)?;
            Some(Hit::new(i + 1, h.chunk_id, h.score, d, h.bm25, h.vector))
        })
        .collect();
    let mut timings = p.timings;
    timings.total_ms = ms(started);
    Ok(SearchResult {
        mode,
        hits,
        model: p.model.map(|m| m.name),
        plan: if mode == Mode::Bm25 { None } else { p.plan },
        scope_chunks: p.scope.as_ref().map(Vec::len),
        candidates: req.depth(),
        fusion: f.report,
        notice: p.notice,
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
    let list = bm25_list::ranked(&mut *conn, query, k, scope, params, Bm25Stats::Corpus).await?;
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
                normalized: r.value,
                weight: 1.0,
            };
            Some(Hit::new(i + 1, r.chunk_id, r.value, d, Some(signal), None))
        })
        .collect())
}
