//! `dtrag eval …`: retrieval quality on golden sets (recall@k, MRR@k, nDCG@k, latency per mode),
//! two versions compared, the fusion tuned; golden sets kept by name.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use dtrag_api::eval::{self, CompareRequest, EvalRequest, GoldenSource, LastEvalRequest};
use dtrag_api::types::{Comparison, EvalOptions, EvalReport, Fusion, FusionMethod, TuneReport};

use super::search::ModeArg;
use crate::Ctx;

#[derive(Subcommand)]
pub enum EvalCommand {
    /// Runs a golden set (JSON Lines {"query", "relevant": [document ids], "under"?: [keys]})
    /// per mode: recall@k, MRR@k, nDCG@k, latency p50/p95.
    Search(EvalSearchArgs),
    /// Stored golden sets.
    #[command(subcommand)]
    Sets(SetsCommand),
    /// The last result of a stored set (for an agent, at a version).
    Last {
        set: String,
        #[arg(long)]
        agent: Option<String>,
        #[arg(long)]
        version: Option<i64>,
    },
}

#[derive(Args)]
pub struct EvalSearchArgs {
    /// The golden file (or --set NAME).
    file: Option<PathBuf>,
    /// A stored golden set instead of a file.
    #[arg(long, conflicts_with = "file")]
    set: Option<String>,
    /// Store the file's questions as this set (and keep the result with it).
    #[arg(long, requires = "file")]
    save: Option<String>,
    /// Modes to run (repeatable; default: hybrid, bm25 and vector).
    #[arg(long, value_enum)]
    mode: Vec<ModeArg>,
    /// Run as this agent: its role, scope, settings and version.
    #[arg(long)]
    agent: Option<String>,
    /// The taxonomy version the queries' `under` scopes are read at (default: the head).
    #[arg(long)]
    version: Option<i64>,
    /// Documents looked at per query.
    #[arg(long, default_value_t = 10)]
    k: usize,
    /// Run the set at two versions and list the queries whose nDCG moved.
    #[arg(long, num_args = 2, value_names = ["V1", "V2"], conflicts_with_all = ["tune", "version", "agent"])]
    compare: Option<Vec<i64>>,
    /// Pick the fusion and weights that score best on the set; store them for the model (or in
    /// the agent's settings with --agent).
    #[arg(long)]
    tune: bool,
}

#[derive(Subcommand)]
pub enum SetsCommand {
    /// The stored sets.
    List,
    /// Stores (or replaces) a set from a golden file.
    Add { name: String, file: PathBuf },
    /// Removes a set and its results.
    Remove { name: String },
}

pub async fn run(cmd: EvalCommand, ctx: &Ctx) -> anyhow::Result<()> {
    let h = ctx.open(4).await?;
    let out = &ctx.out;
    match cmd {
        EvalCommand::Search(a) => {
            let source = GoldenSource {
                file: a.file,
                set: a.set,
                save_as: a.save,
            };
            let options = EvalOptions {
                modes: a.mode.into_iter().map(ModeArg::mode).collect(),
                agent: a.agent,
                version: a.version,
                k: a.k,
                fusion: None,
            };
            if let Some(v) = a.compare {
                let (Some(&va), Some(&vb)) = (v.first(), v.get(1)) else {
                    anyhow::bail!("--compare takes two versions");
                };
                let req = CompareRequest {
                    source,
                    options,
                    a: va,
                    b: vb,
                };
                let c = eval::compare(&h, &req).await?;
                out.value(&c, || describe_comparison(&c));
            } else if a.tune {
                let t = eval::tune(&h, &EvalRequest { source, options }).await?;
                out.value(&t, || describe_tune(&t));
            } else {
                let r = eval::search(&h, &EvalRequest { source, options }).await?;
                out.value(&r, || describe(&r));
            }
        }
        EvalCommand::Sets(SetsCommand::List) => {
            let sets = eval::sets(&h).await?;
            out.value(&sets, || {
                if sets.is_empty() {
                    return "no golden sets (dtrag eval sets add NAME FILE)".into();
                }
                sets.iter()
                    .map(|s| {
                        format!(
                            "{}  {} queries  by {}  {}",
                            s.name, s.queries, s.created_by, s.updated_at
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        EvalCommand::Sets(SetsCommand::Add { name, file }) => {
            let s = eval::save_set(&h, &name, &file).await?;
            out.value(&s, || {
                format!("stored golden set {} ({} queries)", s.name, s.queries)
            });
        }
        EvalCommand::Sets(SetsCommand::Remove { name }) => {
            eval::remove_set(&h, &name).await?;
            out.value(&serde_json::json!({ "removed": name }), || {
                format!("removed golden set {name}")
            });
        }
        EvalCommand::Last {
            set,
            agent,
            version,
        } => {
            let r = eval::last(
                &h,
                &LastEvalRequest {
                    set,
                    agent,
                    version,
                },
            )
            .await?;
            out.value(&r, || match &r {
                Some(r) => describe(r),
                None => "no result yet for that agent and version".into(),
            });
        }
    }
    Ok(())
}

pub fn fusion_name(f: &Fusion) -> String {
    let m = match f.method {
        FusionMethod::Rrf => "rrf",
        FusionMethod::Minmax => "min-max",
        FusionMethod::Zscore => "z-score",
    };
    if f.evidence {
        format!("{m} + lexical evidence")
    } else {
        m.to_string()
    }
}

fn describe(r: &EvalReport) -> String {
    let mut s = format!(
        "{} queries, k = {}, version {}{}{}\n\n| mode | recall@{k} | MRR@{k} | nDCG@{k} | p50 ms | p95 ms | fusion |\n|---|---|---|---|---|---|---|\n",
        r.queries,
        r.k,
        r.version,
        r.agent.as_ref().map(|a| format!(", as agent {a}")).unwrap_or_default(),
        r.set.as_ref().map(|n| format!(", set {n}")).unwrap_or_default(),
        k = r.k
    );
    for m in &r.modes {
        s += &format!(
            "| {:?} | {:.3} | {:.3} | {:.3} | {:.1} | {:.1} | {} |\n",
            m.mode,
            m.recall,
            m.mrr,
            m.ndcg,
            m.p50_ms,
            m.p95_ms,
            m.fusion
                .map(|f| format!(
                    "{}{}",
                    fusion_name(&f),
                    if m.tuned { " (tuned)" } else { "" }
                ))
                .unwrap_or_default()
        );
        if let Some(n) = &m.notice {
            s += &format!("  note: {n}\n");
        }
    }
    s.trim_end().to_string()
}

fn describe_comparison(c: &Comparison) -> String {
    let mut s = format!(
        "at version {}:\n{}\n\nat version {}:\n{}\n",
        c.a.version,
        describe(&c.a),
        c.b.version,
        describe(&c.b)
    );
    if c.changed.is_empty() {
        s += "\nno query's nDCG changed";
    } else {
        s += &format!("\n{} queries changed (worst first):\n", c.changed.len());
        for q in c.changed.iter().take(20) {
            s += &format!(
                "  {:?} {:.3} -> {:.3}  {}\n",
                q.mode, q.ndcg_a, q.ndcg_b, q.query
            );
        }
    }
    s.trim_end().to_string()
}

fn describe_tune(t: &TuneReport) -> String {
    let line = |name: &str, c: &dtrag_api::types::Candidate| {
        format!(
            "  {name:<10} nDCG {:.3}  recall {:.3}  MRR {:.3}  ({}, bm25 {:.1} : vector {:.1})\n",
            c.ndcg,
            c.recall,
            c.mrr,
            fusion_name(&c.tuning.fusion),
            c.tuning.weights.bm25,
            c.tuning.weights.vector
        )
    };
    let mut s = format!("{} queries, k = {}, model {}\n", t.queries, t.k, t.model);
    s += &line("chosen", &t.chosen);
    s += &line("default", &t.default);
    s += &format!(
        "  bm25 alone nDCG {:.3}  recall {:.3}\n  vector alone nDCG {:.3}  recall {:.3}\n",
        t.bm25.ndcg, t.bm25.recall, t.vector.ndcg, t.vector.recall
    );
    s += &format!("stored for {}", t.stored_for);
    s
}
