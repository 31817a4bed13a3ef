//! `dtrag models …` and `dtrag embed`.

use clap::{Args, Subcommand};

use dtrag_api::models::{self, AddOpenAi, EmbedRequest};
use dtrag_api::types::OpenAiConfig;
use dtrag_api::types::{HnswSettings, Model};

use crate::output::Progress;
use crate::Ctx;

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
        #[arg(long, default_value = dtrag_api::types::MINILM)]
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

fn describe_model(m: &Model) -> String {
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

pub async fn run(cmd: ModelsCommand, ctx: &Ctx) -> anyhow::Result<()> {
    let h = ctx.open(2).await?;
    let out = &ctx.out;
    match cmd {
        ModelsCommand::List => {
            let models = models::list(&h).await?;
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
        ModelsCommand::Add(AddModel::Local { name, hnsw }) => {
            let settings = hnsw.over(HnswSettings::default()).unwrap_or_default();
            let m = models::add_local(&h, Some(name), settings).await?;
            out.value(&m, || format!("added {}", describe_model(&m)));
        }
        ModelsCommand::Add(AddModel::Openai {
            name,
            base_url,
            model,
            dims,
            send_dimensions,
            batch_size,
            hnsw,
        }) => {
            let mut endpoint = OpenAiConfig::new(base_url, model, dims);
            endpoint.send_dimensions = send_dimensions;
            endpoint.batch_size = batch_size;
            let req = AddOpenAi {
                name,
                endpoint,
                hnsw: hnsw.over(HnswSettings::default()).unwrap_or_default(),
            };
            let m = models::add_openai(&h, req).await?;
            out.value(&m, || format!("added {}", describe_model(&m)));
        }
        ModelsCommand::Default { name } => {
            let m = models::set_default(&h, &name).await?;
            out.value(&m, || format!("default: {}", describe_model(&m)));
        }
        ModelsCommand::Remove { name } => {
            models::remove(&h, &name).await?;
            out.value(&serde_json::json!({"removed": name}), || {
                format!("removed model {name} with its vectors, index and stored key")
            });
        }
        ModelsCommand::Index { name, hnsw } => {
            let base = models::list(&h)
                .await?
                .into_iter()
                .find(|m| m.name == name)
                .map(|m| m.hnsw)
                .unwrap_or_default();
            if !out.json {
                eprintln!("building the HNSW index of {name}…");
            }
            let r = models::index(&h, &name, hnsw.over(base)).await?;
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
            let key = super::read_key(&name)?;
            models::store_key(&h, &name, &key).await?;
            super::key_stored(out, &name);
        }
    }
    Ok(())
}

pub async fn embed(args: EmbedArgs, ctx: &Ctx) -> anyhow::Result<()> {
    let h = ctx.open(2).await?;
    let req = EmbedRequest {
        model: args.model,
        batch: Some(args.batch),
        no_index: args.no_index,
    };
    let mut progress = Progress::new(!ctx.out.json);
    let run = models::embed(&h, &req, &mut |p| progress.update(&p)).await;
    progress.finish();
    let run = run?;
    ctx.out.value(&run, || {
        let r = &run.report;
        let mut s = format!(
            "embedded {} chunks with {} in {:.1} s ({:.0} chunks/s)",
            r.embedded,
            run.model,
            r.took_ms / 1e3,
            r.chunks_per_s
        );
        if let Some(i) = &run.index {
            s += &format!(
                "\nbuilt {} in {:.1} s ({:.1} MB)",
                i.index,
                i.took_ms / 1e3,
                i.size_bytes as f64 / 1e6
            );
        }
        s
    });
    Ok(())
}
