//! The retrieval commands: `dtrag search`, `dtrag models …` and `dtrag embed`. Argument parsing
//! and printing only; the work is in `dtrag::search` and `dtrag::embed`.

use std::io::{IsTerminal, Read, Write};

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand, ValueEnum};

use dtrag::db::open::{self, Target};
use dtrag::embed::openai::{self, OpenAiConfig};
use dtrag::embed::registry::{self, Embedders};
use dtrag::embed::store::{self, HnswSettings, NewModel, Provider};
use dtrag::search::{self, Bm25Params, Mode, SearchRequest, Weights};

use crate::output::Out;

#[derive(Clone, Copy, ValueEnum)]
pub enum ModeArg {
    Hybrid,
    Bm25,
    Vector,
}

#[derive(Args)]
pub struct SearchArgs {
    query: String,
    /// hybrid = BM25 and vector search fused by reciprocal rank fusion.
    #[arg(long, value_enum, default_value = "hybrid")]
    mode: ModeArg,
    /// Only documents classified under these categories (or their descendants).
    #[arg(long)]
    under: Vec<String>,
    /// The taxonomy version the categories are read at (default: the head).
    #[arg(long)]
    version: Option<i64>,
    #[arg(long, default_value_t = 10)]
    k: usize,
    /// BM25 term-frequency saturation.
    #[arg(long, default_value_t = 1.2)]
    k1: f64,
    /// BM25 length normalisation.
    #[arg(long, default_value_t = 0.75)]
    b: f64,
    /// Weight of the BM25 list in hybrid fusion.
    #[arg(long, default_value_t = 1.0)]
    bm25_weight: f64,
    /// Weight of the vector list in hybrid fusion.
    #[arg(long, default_value_t = 1.0)]
    vector_weight: f64,
    /// Reciprocal rank fusion constant.
    #[arg(long, default_value_t = 60.0)]
    rrf_k: f64,
    /// Brute-force vector scan instead of the HNSW index (to measure recall).
    #[arg(long)]
    exact: bool,
    /// Embedding model (default: the default model).
    #[arg(long)]
    model: Option<String>,
    /// hnsw.ef_search for this query (default: the model's setting).
    #[arg(long)]
    ef_search: Option<i32>,
}

#[derive(Subcommand)]
pub enum ModelsCommand {
    /// The embedding models, how many chunks each has embedded, and their indexes.
    List,
    /// Registers a model (the first becomes the default).
    #[command(subcommand)]
    Add(AddModel),
    /// Makes a model the default for searches.
    Default { name: String },
    /// Removes a model with its vectors and index.
    Remove { name: String },
    /// (Re)builds a model's HNSW index, optionally with new settings.
    Index {
        name: String,
        #[command(flatten)]
        hnsw: HnswArgs,
    },
    /// Stores the API key of an endpoint model in the OS keyring (read from standard input).
    Key { name: String },
}

#[derive(Args)]
pub struct HnswArgs {
    /// HNSW graph degree.
    #[arg(long)]
    m: Option<i32>,
    /// HNSW candidate list size while building.
    #[arg(long)]
    ef_construction: Option<i32>,
    /// HNSW candidate list size while searching.
    #[arg(long)]
    ef_search: Option<i32>,
}

impl HnswArgs {
    fn over(&self, base: HnswSettings) -> Option<HnswSettings> {
        if self.m.is_none() && self.ef_construction.is_none() && self.ef_search.is_none() {
            return None;
        }
        Some(HnswSettings {
            m: self.m.unwrap_or(base.m),
            ef_construction: self.ef_construction.unwrap_or(base.ef_construction),
            ef_search: self.ef_search.unwrap_or(base.ef_search),
        })
    }
}

#[derive(Subcommand)]
pub enum AddModel {
    /// The local all-MiniLM-L6-v2 (384 dimensions), run in-process.
    Local {
        #[arg(long, default_value = dtrag::embed::local::MINILM)]
        name: String,
        #[command(flatten)]
        hnsw: HnswArgs,
    },
    /// An OpenAI-compatible /v1/embeddings endpoint. Store its key with `dtrag models key NAME`.
    Openai {
        #[arg(long)]
        name: String,
        /// Server root, e.g. https://api.openai.com
        #[arg(long)]
        base_url: String,
        /// The model name the server knows, e.g. text-embedding-3-small.
        #[arg(long)]
        model: String,
        #[arg(long)]
        dims: usize,
        /// Send `dimensions` in requests (shortened text-embedding-3 vectors).
        #[arg(long)]
        send_dimensions: bool,
        #[arg(long, default_value_t = 64)]
        batch_size: usize,
        #[command(flatten)]
        hnsw: HnswArgs,
    },
}

#[derive(Args)]
pub struct EmbedArgs {
    /// The model to embed with (default: the default model; the local model is registered if
    /// there is none).
    #[arg(long)]
    model: Option<String>,
    /// Chunks per embedding batch.
    #[arg(long, default_value_t = 64)]
    batch: usize,
    /// Do not build the HNSW index afterwards when it is missing.
    #[arg(long)]
    no_index: bool,
}

pub async fn search(target: &Target, args: SearchArgs, out: &Out) -> Result<()> {
    let pool = open::open(target, 3).await?;
    let req = SearchRequest {
        query: args.query,
        mode: match args.mode {
            ModeArg::Hybrid => Mode::Hybrid,
            ModeArg::Bm25 => Mode::Bm25,
            ModeArg::Vector => Mode::Vector,
        },
        k: args.k,
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
        rrf_k: args.rrf_k,
        exact: args.exact,
        model: args.model,
        ef_search: args.ef_search,
        candidates: None,
    };
    let result = search::run(&pool, &req, &Embedders::new()).await?;
    out.value(&result, || {
        let mut s = String::new();
        for h in &result.hits {
            let snippet: String = h.text.chars().take(120).collect();
            let mut why = Vec::new();
            if let Some(b) = h.bm25 {
                why.push(format!("bm25 #{} {:.3}", b.rank, b.score));
            }
            if let Some(v) = h.vector {
                why.push(format!("vector #{} d={:.3}", v.rank, v.distance));
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
    Ok(())
}

fn describe_model(m: &store::Model) -> String {
    format!(
        "{}{}  {:?} {} dims  {}/{} chunks embedded  index: {} (m {}, ef_construction {}, ef_search {})",
        m.name,
        if m.is_default { " (default)" } else { "" },
        m.provider,
        m.dims,
        m.embedded,
        m.chunks,
        if m.indexed { "built" } else { "none" },
        m.hnsw.m,
        m.hnsw.ef_construction,
        m.hnsw.ef_search
    )
}

pub async fn models(target: &Target, cmd: ModelsCommand, out: &Out) -> Result<()> {
    let pool = open::open(target, 2).await?;
    match cmd {
        ModelsCommand::List => {
            let mut conn = pool.acquire().await?;
            let models = store::list(&mut conn).await?;
            out.value(&models, || {
                if models.is_empty() {
                    "no embedding models: add one with `dtrag models add local`".into()
                } else {
                    models
                        .iter()
                        .map(describe_model)
                        .collect::<Vec<_>>()
                        .join("\n")
                }
            });
        }
        ModelsCommand::Add(add) => {
            let new = match add {
                AddModel::Local { name, hnsw } => NewModel {
                    name,
                    provider: Provider::Local,
                    dims: dtrag::embed::local::MINILM_DIMS as i32,
                    config: serde_json::json!({"model": dtrag::embed::local::MINILM}),
                    hnsw: hnsw.over(HnswSettings::default()).unwrap_or_default(),
                },
                AddModel::Openai {
                    name,
                    base_url,
                    model,
                    dims,
                    send_dimensions,
                    batch_size,
                    hnsw,
                } => {
                    let mut config = OpenAiConfig::new(base_url, model, dims);
                    config.send_dimensions = send_dimensions;
                    config.batch_size = batch_size;
                    NewModel {
                        name,
                        provider: Provider::Openai,
                        dims: i32::try_from(dims).context("dimensions out of range")?,
                        config: serde_json::to_value(&config)?,
                        hnsw: hnsw.over(HnswSettings::default()).unwrap_or_default(),
                    }
                }
            };
            let m = store::register(&pool, &new).await?;
            out.value(&m, || format!("added {}", describe_model(&m)));
        }
        ModelsCommand::Default { name } => {
            let m = store::set_default(&pool, &name).await?;
            out.value(&m, || format!("default: {}", describe_model(&m)));
        }
        ModelsCommand::Remove { name } => {
            store::remove(&pool, &name).await?;
            out.value(&serde_json::json!({"removed": name}), || {
                format!("removed model {name} with its vectors and index")
            });
        }
        ModelsCommand::Index { name, hnsw } => {
            let mut conn = pool.acquire().await?;
            let base = store::get(&mut conn, Some(&name)).await?.hnsw;
            drop(conn);
            eprintln!("building the HNSW index of {name}…");
            let r = store::build_index(&pool, &name, hnsw.over(base)).await?;
            out.value(&r, || {
                format!(
                    "built {} over {} vectors in {:.1} s ({:.1} MB; m {}, ef_construction {})",
                    r.index,
                    r.vectors,
                    r.took_ms / 1e3,
                    r.size_bytes as f64 / 1e6,
                    r.hnsw.m,
                    r.hnsw.ef_construction
                )
            });
        }
        ModelsCommand::Key { name } => {
            let mut conn = pool.acquire().await?;
            let m = store::get(&mut conn, Some(&name)).await?;
            if m.provider != Provider::Openai {
                bail!("model {name} runs locally and needs no key");
            }
            if std::io::stdin().is_terminal() {
                eprint!("API key for {name} (input is read until end of line): ");
                let _ = std::io::stderr().flush();
            }
            let mut key = String::new();
            std::io::stdin()
                .read_to_string(&mut key)
                .context("reading the key from standard input")?;
            let key = key.trim();
            if key.is_empty() {
                bail!("no key given on standard input");
            }
            openai::store_api_key(&name, key)?;
            out.value(&serde_json::json!({"stored": name}), || {
                format!("stored the API key of {name} in the OS keyring")
            });
        }
    }
    Ok(())
}

pub async fn embed(target: &Target, args: EmbedArgs, out: &Out) -> Result<()> {
    let pool = open::open(target, 2).await?;
    let mut conn = pool.acquire().await?;
    let model = match store::get(&mut conn, args.model.as_deref()).await {
        Ok(m) => m,
        Err(_) if args.model.is_none() && store::list(&mut conn).await?.is_empty() => {
            eprintln!(
                "no embedding model yet: registering the local {}",
                dtrag::embed::local::MINILM
            );
            store::register(
                &pool,
                &NewModel {
                    name: dtrag::embed::local::MINILM.into(),
                    provider: Provider::Local,
                    dims: dtrag::embed::local::MINILM_DIMS as i32,
                    config: serde_json::json!({"model": dtrag::embed::local::MINILM}),
                    hnsw: HnswSettings::default(),
                },
            )
            .await?
        }
        Err(e) => return Err(e.into()),
    };
    drop(conn);
    let report = embed_with_progress(&pool, &model, args.batch).await?;
    let index = if !args.no_index && !model.indexed && report.embedded > 0 {
        eprintln!("building the HNSW index of {}…", model.name);
        Some(store::build_index(&pool, &model.name, None).await?)
    } else {
        None
    };
    out.value(
        &serde_json::json!({"model": model.name, "embed": report, "index": index}),
        || {
            let mut s = format!(
                "embedded {} chunks with {} in {:.1} s ({:.0} chunks/s)",
                report.embedded,
                model.name,
                report.took_ms / 1e3,
                report.chunks_per_s
            );
            if let Some(i) = &index {
                s += &format!(
                    "\nbuilt {} in {:.1} s ({:.1} MB)",
                    i.index,
                    i.took_ms / 1e3,
                    i.size_bytes as f64 / 1e6
                );
            }
            s
        },
    );
    Ok(())
}

/// Runs the embedding job for `model`, showing progress on a terminal.
pub async fn embed_with_progress(
    pool: &sqlx::PgPool,
    model: &store::Model,
    batch: usize,
) -> Result<store::EmbedReport> {
    let embedder = registry::open(model)?;
    let tty = std::io::stderr().is_terminal();
    let name = model.name.clone();
    let report = store::embed_pending(pool, model, embedder, batch, &mut |done, total| {
        if tty && total > 0 {
            eprint!("\rembedding with {name}: {done} / {total} chunks");
            if done == total {
                eprintln!();
            }
        }
    })
    .await?;
    Ok(report)
}
