//! `dtrag llm …` (chat endpoints) and `dtrag ask --agent NAME QUESTION`.

use clap::{Args, Subcommand};

use dtrag_api::types::{AskAnswer, AskRequest, LlmEndpoint, NewLlm};
use dtrag_api::{agents, llm};

use crate::Ctx;

#[derive(Subcommand)]
pub enum LlmCommand {
    /// Registers an OpenAI-compatible chat endpoint (the first becomes the default). Store its
    /// key with `dtrag llm key NAME`.
    Add {
        #[arg(long)]
        name: String,
        /// Server root, e.g. https://api.openai.com
        #[arg(long)]
        base_url: String,
        /// The model the server knows, e.g. gpt-4o-mini.
        #[arg(long)]
        model: String,
        /// US dollars per million prompt tokens (for the cost an answer reports).
        #[arg(long, default_value_t = 0.0)]
        input_price: f64,
        /// US dollars per million completion tokens.
        #[arg(long, default_value_t = 0.0)]
        output_price: f64,
    },
    List,
    /// Removes an endpoint and its stored key.
    Remove {
        name: String,
    },
    /// Stores the endpoint's API key in the OS keyring (read from standard input).
    Key {
        name: String,
    },
}

#[derive(Args)]
pub struct AskArgs {
    question: String,
    /// The agent whose scope the answer may use.
    #[arg(long)]
    agent: String,
    /// Chunks handed to the endpoint (default: the agent's k).
    #[arg(long)]
    k: Option<usize>,
    /// The chat endpoint (default: the default one).
    #[arg(long)]
    llm: Option<String>,
}

fn describe(e: &LlmEndpoint) -> String {
    format!(
        "{}{}  {} at {}  ${}/M in, ${}/M out",
        e.name,
        if e.is_default { " (default)" } else { "" },
        e.model,
        e.base_url,
        e.input_price,
        e.output_price
    )
}

pub async fn llm(cmd: LlmCommand, ctx: &Ctx) -> anyhow::Result<()> {
    let h = ctx.open(2).await?;
    let out = &ctx.out;
    match cmd {
        LlmCommand::Add {
            name,
            base_url,
            model,
            input_price,
            output_price,
        } => {
            let new = NewLlm {
                name,
                base_url,
                model,
                input_price,
                output_price,
            };
            let e = llm::add(&h, &new).await?;
            out.value(&e, || format!("added {}", describe(&e)));
        }
        LlmCommand::List => {
            let all = llm::list(&h).await?;
            out.value(&all, || {
                if all.is_empty() {
                    "no chat endpoints: add one with `dtrag llm add --name N --base-url URL --model M`"
                        .into()
                } else {
                    all.iter().map(describe).collect::<Vec<_>>().join("\n")
                }
            });
        }
        LlmCommand::Remove { name } => {
            let e = llm::remove(&h, &name).await?;
            out.value(&e, || format!("removed {} and its stored key", e.name));
        }
        LlmCommand::Key { name } => {
            let key = super::read_key(&name)?;
            llm::store_key(&h, &name, &key).await?;
            super::key_stored(out, &name);
        }
    }
    Ok(())
}

fn answer_text(a: &AskAnswer) -> String {
    let mut s = format!("{}\n", a.answer.trim());
    if !a.citations.is_empty() {
        s += "\n";
    }
    for n in &a.citations {
        if let Some(p) = a.context.iter().find(|p| p.n == *n) {
            s += &format!("[{n}] {} ({}, chunk {})\n", p.title, p.document, p.chunk_id);
        }
    }
    s + &format!(
        "\nagent {} at taxonomy version {}; {} via {}; {} passages; retrieval {:.0} ms, answer {:.0} ms, \
         total {:.0} ms; {} + {} tokens, ${:.6}",
        a.agent,
        a.taxonomy_version,
        a.model,
        a.llm,
        a.context.len(),
        a.timings.retrieval_ms,
        a.timings.llm_ms,
        a.timings.total_ms,
        a.prompt_tokens,
        a.completion_tokens,
        a.cost_usd
    )
}

pub async fn ask(args: AskArgs, ctx: &Ctx) -> anyhow::Result<()> {
    let h = ctx.open(3).await?;
    let req = AskRequest {
        agent: args.agent,
        question: args.question,
        k: args.k,
        llm: args.llm,
    };
    let a = agents::ask(&h, &req).await?;
    ctx.out.value(&a, || answer_text(&a));
    Ok(())
}
