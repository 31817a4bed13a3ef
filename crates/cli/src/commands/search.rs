//! `dtrag search`.

use clap::{Args, ValueEnum};

use dtrag_api::types::{
    AgentSearch, Bm25Params, Fusion, FusionMethod, Mode, SearchRequest, SearchResult, Weights,
};
use dtrag_api::{agents, search};

use crate::output::Out;
use crate::Ctx;

#[derive(Clone, Copy, ValueEnum)]
pub enum ModeArg {
    Hybrid,
    Bm25,
    Vector,
}

impl ModeArg {
    pub fn mode(self) -> Mode {
        match self {
            ModeArg::Hybrid => Mode::Hybrid,
            ModeArg::Bm25 => Mode::Bm25,
            ModeArg::Vector => Mode::Vector,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum FusionArg {
    /// Weighted reciprocal rank fusion.
    Rrf,
    /// Convex combination of min-max normalised scores.
    Minmax,
    /// Convex combination of z-scores.
    Zscore,
}

#[derive(Args)]
pub struct SearchArgs {
    query: String,
    /// Search as this agent: its role, so PostgreSQL admits only its scope; its settings unless
    /// --mode or --k say otherwise.
    #[arg(long)]
    agent: Option<String>,
    /// hybrid (the default) = BM25 and vector search fused by reciprocal rank fusion.
    #[arg(long, value_enum)]
    mode: Option<ModeArg>,
    /// Only documents classified under these categories (or their descendants).
    #[arg(long)]
    under: Vec<String>,
    /// The taxonomy version the categories are read at (default: the head).
    #[arg(long, conflicts_with = "agent")]
    version: Option<i64>,
    /// Hits (default 10).
    #[arg(long)]
    k: Option<usize>,
    /// BM25 term-frequency saturation.
    #[arg(long, default_value_t = 1.2, conflicts_with = "agent")]
    k1: f64,
    /// BM25 length normalisation.
    #[arg(long, default_value_t = 0.75, conflicts_with = "agent")]
    b: f64,
    /// Weight of the BM25 list in hybrid fusion.
    #[arg(long, default_value_t = 1.0, conflicts_with = "agent")]
    bm25_weight: f64,
    /// Weight of the vector list in hybrid fusion.
    #[arg(long, default_value_t = 1.0, conflicts_with = "agent")]
    vector_weight: f64,
    /// Hybrid fusion (default: the model's tuning from `dtrag eval search --tune`, else z-score
    /// at 0.9 : 0.1 with the BM25 weight scaled by the lexical evidence).
    #[arg(long, value_enum, conflicts_with = "agent")]
    fusion: Option<FusionArg>,
    /// Keep the BM25 weight fixed instead of scaling it by how much of the query BM25 matched
    /// and how far its best hit stands out.
    #[arg(long, conflicts_with = "agent")]
    no_evidence: bool,
    /// Reciprocal rank fusion constant.
    #[arg(long, default_value_t = 60.0, conflicts_with = "agent")]
    rrf_k: f64,
    /// Brute-force vector scan instead of the HNSW index (to measure recall).
    #[arg(long)]
    exact: bool,
    /// Embedding model (default: the default model).
    #[arg(long, conflicts_with = "agent")]
    model: Option<String>,
    /// hnsw.ef_search for this query (default: the model's setting).
    #[arg(long, conflicts_with = "agent")]
    ef_search: Option<i32>,
}

pub async fn run(args: SearchArgs, ctx: &Ctx) -> anyhow::Result<()> {
    let h = ctx.open(3).await?;
    let mode = args.mode.map(ModeArg::mode);
    if let Some(agent) = args.agent {
        let req = AgentSearch {
            agent,
            query: args.query,
            mode,
            k: args.k,
            under: args.under,
            exact: args.exact,
        };
        let result = agents::search(&h, &req).await?;
        print_result(&ctx.out, &result);
        return Ok(());
    }
    let defaults = SearchRequest::default();
    let req = SearchRequest {
        query: args.query,
        mode: mode.unwrap_or(defaults.mode),
        k: args.k.unwrap_or(defaults.k),
        under: args.under,
        version: args.version,
        bm25: Bm25Params {
            k1: args.k1,
            b: args.b,
        },
        weights: Weights {
            bm25: args.bm25_weight,
            vector: args.vector_weight,
        },
        fusion: match (args.fusion, args.no_evidence) {
            (None, false) => None,
            (f, no_evidence) => Some(Fusion {
                method: match f {
                    Some(FusionArg::Rrf) => FusionMethod::Rrf,
                    Some(FusionArg::Minmax) => FusionMethod::Minmax,
                    Some(FusionArg::Zscore) | None => FusionMethod::Zscore,
                },
                evidence: !no_evidence,
            }),
        },
        rrf_k: args.rrf_k,
        exact: args.exact,
        model: args.model,
        ef_search: args.ef_search,
        candidates: None,
    };
    let result = search::search(&h, &req).await?;
    print_result(&ctx.out, &result);
    Ok(())
}

fn print_result(out: &Out, result: &SearchResult) {
    if let Some(n) = &result.notice {
        if !out.json {
            eprintln!("note: {n}");
        }
    }
    out.value(&result, || {
        let mut s = String::new();
        for h in &result.hits {
            let snippet: String = h.text.chars().take(120).collect();
            let mut why = Vec::new();
            let fused = result.fusion.is_some();
            let part = |n: f64, w: f64| {
                if fused {
                    format!(" (norm {n:.3} × w {w:.2})")
                } else {
                    String::new()
                }
            };
            if let Some(b) = h.bm25 {
                why.push(format!(
                    "bm25 #{} {:.3}{}",
                    b.rank,
                    b.score,
                    part(b.normalized, b.weight)
                ));
            }
            if let Some(v) = h.vector {
                why.push(format!(
                    "vector #{} d={:.3}{}",
                    v.rank,
                    v.distance,
                    part(v.normalized, v.weight)
                ));
            }
            s += &format!(
                "{:>3}. {:.4}  {} [{}]  ({})\n     {}\n",
                h.rank,
                h.score,
                h.title,
                h.document,
                why.join(", "),
                snippet.replace('\n', " ")
            );
        }
        if let Some(f) = &result.fusion {
            s += &format!(
                "fusion: {}{}, lexical evidence {:.2} (distinctness {:.2}), weights bm25 {:.2} : vector {:.2}\n",
                super::eval::fusion_name(&f.fusion),
                if f.tuned { " (tuned)" } else { "" },
                f.lexical_evidence,
                f.lexical_distinctness,
                f.bm25_weight,
                f.vector_weight
            );
        }
        let t = &result.timings;
        s + &format!(
            "{} hits in {:.1} ms ({}{}scope {:.1}, embed {:.1}, bm25 {:.1}, vector {:.1} ms)",
            result.hits.len(),
            t.total_ms,
            result
                .model
                .as_ref()
                .map(|m| format!("model {m}, "))
                .unwrap_or_default(),
            result
                .plan
                .map(|p| format!("{p:?} scan, "))
                .unwrap_or_default(),
            t.scope_ms,
            t.embed_ms,
            t.bm25_ms,
            t.vector_ms
        )
    });
}
