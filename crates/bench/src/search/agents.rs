//! The agents' rows of `dtrag bench search` (issue 10, part 4): an agent's hybrid search against
//! the owner's same scoped search, recall@10 of the vector side under the row-level policy against
//! an exact scan of the same scope, and the query embedding side by side with
//! sentence-transformers, one short query at a time.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use sqlx::PgPool;

use super::K;
use crate::Latency;
use dtrag_core::agents::search::AgentSearch;
use dtrag_core::agents::{self, AgentSettings, NewAgent};
use dtrag_core::models::{EmbedderSource, KnnPlan, Model};
use dtrag_core::search::{self, vector, Mode, SearchRequest, Timings};
use dtrag_core::{Error, Result};
use dtrag_embed::query_cache::QueryCache;
use dtrag_embed::Embedder;

#[derive(Debug, Clone, Serialize)]
pub struct AgentRows {
    /// The owner's hybrid search `--under` one root, interleaved with the agent's.
    pub owner_scoped: Latency,
    /// The same query as the agent whose one category is that root.
    pub agent: Latency,
    /// Where the time goes, medians of each search's own timings: owner, then agent.
    pub phases: (Phases, Phases),
    /// The vector side as the agent (its plan under the policy) against an exact scan of its scope.
    pub recall_under_policy: f64,
    /// The query embedding when the query was seen before (the app's cache of query vectors).
    pub embed_repeated: Latency,
    /// The Rust query embedding, measured in the same stretch as sentence-transformers'.
    pub embed_candle: Latency,
    /// sentence-transformers, one query at a time, by torch threads (when a Python has it).
    pub embed_st: Vec<(usize, Latency)>,
    /// Why sentence-transformers gave no figure, when it was asked for and failed.
    pub embed_st_error: Option<String>,
}

impl AgentRows {
    pub fn markdown(&self) -> String {
        let lat = |l: &Latency| l.describe(1);
        let st = if let Some(e) = &self.embed_st_error {
            format!("| query embedding, sentence-transformers | failed: {e} |\n")
        } else if self.embed_st.is_empty() {
            "| query embedding, sentence-transformers | not measured (set DTRAG_BENCH_PYTHON to a \
             Python with sentence-transformers) |\n"
                .to_string()
        } else {
            self.embed_st
                .iter()
                .map(|(t, l)| {
                    format!(
                        "| query embedding, sentence-transformers (PyTorch), {t} thread{} | {} |\n",
                        if *t == 1 { "" } else { "s" },
                        lat(l)
                    )
                })
                .collect()
        };
        format!(
            "| hybrid scoped, owner (materialised scope), interleaved with the agent's | {} |\n\
             | hybrid as an agent (row-level security, its own BM25 statistics) | {} |\n\
             | agent / owner, p95 | {:.2} |\n\
             | where the time goes, p50 ms: query embedding / BM25 / vector side from the query vector / total, owner · agent | {} · {} |\n\
             | recall@10 as an agent (its vector search under the policy vs exact scan of its scope) | {:.3} |\n\
             | query embedding, candle, one query at a time (same stretch as below) | {} |\n\
             {st}\
             | query embedding, a query seen before (cache of the last 512) | {} |\n",
            lat(&self.owner_scoped),
            lat(&self.agent),
            self.agent.p95_ms / self.owner_scoped.p95_ms.max(1e-9),
            self.phases.0.describe(),
            self.phases.1.describe(),
            self.recall_under_policy,
            lat(&self.embed_candle),
            lat(&self.embed_repeated),
        )
    }
}

/// Medians of the phases a search times itself ([`Timings`]).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Phases {
    pub embed_ms: f64,
    pub bm25_ms: f64,
    pub vector_ms: f64,
    pub total_ms: f64,
}

impl Phases {
    fn of(timings: &[Timings]) -> Self {
        // The same percentile rule as every other row: Latency's.
        let p50 = |f: fn(&Timings) -> f64| {
            let ms = timings
                .iter()
                .map(|t| Duration::from_secs_f64(f(t).max(0.0) / 1e3));
            Latency::of(ms.collect()).p50_ms
        };
        Phases {
            embed_ms: p50(|t| t.embed_ms),
            bm25_ms: p50(|t| t.bm25_ms),
            vector_ms: p50(|t| t.vector_ms),
            total_ms: p50(|t| t.total_ms),
        }
    }

    fn describe(&self) -> String {
        format!(
            "{:.1} / {:.1} / {:.1} / {:.1}",
            self.embed_ms, self.bm25_ms, self.vector_ms, self.total_ms
        )
    }
}

pub(super) struct Inputs<'a> {
    pub pool: &'a PgPool,
    pub model: &'a Model,
    pub embedder: &'a Arc<dyn Embedder>,
    pub source: Arc<dyn EmbedderSource>,
    pub queries: &'a [String],
    pub qvecs: &'a [Vec<f32>],
    pub roots: &'a [&'a str],
}

fn agent_name(i: usize) -> String {
    format!("bench_scope_{i}")
}

pub(super) async fn measure(i: Inputs<'_>, progress: &mut dyn FnMut(String)) -> Result<AgentRows> {
    for (n, root) in i.roots.iter().enumerate() {
        let new = NewAgent {
            name: agent_name(n),
            description: format!("everything under {root}"),
            categories: vec![root.to_string()],
            pinned_version: None,
            settings: AgentSettings {
                k: K,
                ..AgentSettings::default()
            },
        };
        agents::store::create(i.pool, &new, "bench").await?;
    }
    progress("agents: owner and agent searches, interleaved".into());
    let (mut owner, mut agent) = (Vec::new(), Vec::new());
    let (mut owner_phases, mut agent_phases) = (Vec::new(), Vec::new());
    for (n, q) in i.queries.iter().enumerate() {
        let which = n % i.roots.len();
        let owner_req = SearchRequest {
            query: q.clone(),
            mode: Mode::Hybrid,
            k: K,
            under: vec![i.roots[which].to_string()],
            ..SearchRequest::default()
        };
        let agent_req = AgentSearch {
            agent: agent_name(which),
            query: q.clone(),
            mode: Some(Mode::Hybrid),
            k: Some(K),
            ..AgentSearch::default()
        };
        // Alternate which goes first, so neither always finds the other's pages warm.
        for first_owner in [n % 2 == 0, n % 2 != 0] {
            let t = Instant::now();
            if first_owner {
                let r = search::run(i.pool, &owner_req, Arc::clone(&i.source)).await?;
                owner.push(t.elapsed());
                owner_phases.push(r.timings);
            } else {
                let r = agents::search::run(i.pool, &agent_req, Arc::clone(&i.source)).await?;
                agent.push(t.elapsed());
                agent_phases.push(r.timings);
            }
        }
    }

    progress("agents: recall under the policy".into());
    let mut conn = i.pool.acquire().await?;
    let (mut hits, mut total) = (0usize, 0usize);
    for (n, (q, v)) in i.queries.iter().zip(i.qvecs).enumerate() {
        let which = n % i.roots.len();
        let scope = search::scope_chunks(&mut conn, None, &[i.roots[which].to_string()]).await?;
        let want = vector::ranked(
            &mut conn,
            i.model,
            v,
            K as i64,
            Some(&scope),
            KnnPlan::ExactInScope,
            None,
        )
        .await?;
        let got = agents::search::run(
            i.pool,
            &AgentSearch {
                agent: agent_name(which),
                query: q.clone(),
                mode: Some(Mode::Vector),
                k: Some(K),
                ..AgentSearch::default()
            },
            Arc::clone(&i.source),
        )
        .await?;
        hits += got
            .hits
            .iter()
            .filter(|h| want.iter().any(|w| w.chunk_id == h.chunk_id))
            .count();
        total += want.len();
    }
    drop(conn);

    progress("query embedding: candle and sentence-transformers side by side".into());
    let embed_candle = embed_each(i.embedder, i.queries).await?;
    // A failing yardstick must not cost the figures measured before it.
    let (mut embed_st, mut embed_st_error) = (Vec::new(), None);
    if let Ok(python) = std::env::var("DTRAG_BENCH_PYTHON") {
        for threads in [1, 2] {
            match st_latency(&python, i.queries, threads) {
                Ok(l) => embed_st.push((threads, l)),
                Err(e) => {
                    progress(format!("sentence-transformers failed: {e}"));
                    embed_st_error = Some(e.to_string().lines().last().unwrap_or("").to_string());
                    break;
                }
            }
        }
    }
    let cached: Arc<dyn Embedder> = Arc::new(QueryCache::new(Arc::clone(i.embedder)));
    embed_each(&cached, i.queries).await?;
    let embed_repeated = Latency::of(embed_each(&cached, i.queries).await?);
    for n in 0..i.roots.len() {
        agents::store::remove(i.pool, &agent_name(n), "bench").await?;
    }
    Ok(AgentRows {
        owner_scoped: Latency::of(owner),
        agent: Latency::of(agent),
        phases: (Phases::of(&owner_phases), Phases::of(&agent_phases)),
        recall_under_policy: hits as f64 / total.max(1) as f64,
        embed_repeated,
        embed_candle: Latency::of(embed_candle),
        embed_st,
        embed_st_error,
    })
}

/// Each query embedded alone, as a search does (on the blocking pool).
async fn embed_each(embedder: &Arc<dyn Embedder>, queries: &[String]) -> Result<Vec<Duration>> {
    let mut times = Vec::with_capacity(queries.len());
    for q in queries {
        let (e, q) = (Arc::clone(embedder), q.clone());
        let t = Instant::now();
        tokio::task::spawn_blocking(move || e.embed(&[q.as_str()]))
            .await
            .map_err(|e| Error::Internal(e.to_string()))??;
        times.push(t.elapsed());
    }
    Ok(times)
}

#[derive(serde::Deserialize)]
struct StTimes {
    ms: Vec<f64>,
}

/// scripts/query-latency-st.py over the same queries.
fn st_latency(python: &str, queries: &[String], threads: usize) -> Result<Latency> {
    let dir = std::env::temp_dir().join(format!("dtrag-bench-q-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| Error::io_path(&dir, e))?;
    let input = dir.join("queries.json");
    let json = serde_json::to_vec(queries).map_err(|e| Error::Internal(e.to_string()))?;
    std::fs::write(&input, json).map_err(|e| Error::io_path(&input, e))?;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/query-latency-st.py");
    let out = std::process::Command::new(python)
        .arg(&script)
        .arg(&input)
        .arg(threads.to_string())
        .output()
        .map_err(|e| Error::io(format!("running {python}"), e))?;
    let _ = std::fs::remove_dir_all(&dir);
    if !out.status.success() {
        return Err(Error::Internal(format!(
            "{} failed: {}",
            script.display(),
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().last().unwrap_or_default();
    let parsed: StTimes = serde_json::from_str(line)
        .map_err(|e| Error::Internal(format!("unexpected output from the script ({e}): {line}")))?;
    Ok(Latency::of(
        parsed
            .ms
            .into_iter()
            .map(|ms| Duration::from_secs_f64(ms / 1e3))
            .collect(),
    ))
}
