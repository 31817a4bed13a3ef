//! `dtrag agents …`: definitions limited to categories, enforced by PostgreSQL.

use clap::{Args, Subcommand};

use dtrag_api::agents;
use dtrag_api::types::{Agent, AgentChange, AgentSettings, NewAgent, Weights};

use super::search::ModeArg;
use crate::Ctx;

#[derive(Subcommand)]
pub enum AgentsCommand {
    /// Defines an agent limited to categories (and their descendants), with its own role.
    Create {
        name: String,
        /// An allowed category (repeat for several; at least one).
        #[arg(long = "category", required = true)]
        categories: Vec<String>,
        #[arg(long, default_value = "")]
        description: String,
        /// Pin the scope to this taxonomy version (default: follow the head).
        #[arg(long)]
        pin: Option<i64>,
        #[command(flatten)]
        settings: SettingsArgs,
    },
    /// Every agent with its scope's size.
    List,
    /// One agent.
    Show { name: String },
    /// Changes an agent; what is not given stays as it is.
    Update {
        name: String,
        /// The new full set of allowed categories.
        #[arg(long = "category")]
        categories: Vec<String>,
        #[arg(long)]
        description: Option<String>,
        /// Pin the scope to this taxonomy version.
        #[arg(long, conflicts_with = "follow_head")]
        pin: Option<i64>,
        /// Follow the head again.
        #[arg(long)]
        follow_head: bool,
        #[command(flatten)]
        settings: SettingsArgs,
    },
    /// Removes an agent, its scope and its role.
    Remove { name: String },
    /// Checks, as the agent's role, that it reads exactly its scope and is refused the rest.
    Check { name: String },
    /// Gives the agent's role a login with a new password and prints the URL to connect with
    /// (the password is kept in the OS keyring); --revoke takes it away.
    Credentials {
        name: String,
        #[arg(long)]
        revoke: bool,
    },
}

#[derive(Args)]
pub struct SettingsArgs {
    /// Retrieval mode of the agent's searches.
    #[arg(long, value_enum)]
    mode: Option<ModeArg>,
    /// Hits per search.
    #[arg(long)]
    k: Option<usize>,
    #[arg(long)]
    bm25_weight: Option<f64>,
    #[arg(long)]
    vector_weight: Option<f64>,
    /// Embedding model (default: the default model at search time).
    #[arg(long)]
    model: Option<String>,
}

impl SettingsArgs {
    fn given(&self) -> bool {
        self.mode.is_some()
            || self.k.is_some()
            || self.bm25_weight.is_some()
            || self.vector_weight.is_some()
            || self.model.is_some()
    }

    fn over(self, base: AgentSettings) -> AgentSettings {
        AgentSettings {
            mode: self.mode.map(ModeArg::mode).unwrap_or(base.mode),
            k: self.k.unwrap_or(base.k),
            weights: Weights {
                bm25: self.bm25_weight.unwrap_or(base.weights.bm25),
                vector: self.vector_weight.unwrap_or(base.weights.vector),
            },
            model: self.model.or(base.model),
            fusion: base.fusion,
        }
    }
}

fn describe(a: &Agent) -> String {
    format!(
        "{}  {}  categories: {}  scope: {} documents, {} chunks ({} category nodes)  {:?} k={}{}{}",
        a.name,
        match a.pinned_version {
            Some(v) => format!("pinned to v{v}"),
            None => "follows the head".into(),
        },
        a.categories.join(", "),
        a.scope.documents,
        a.scope.chunks,
        a.scope.nodes,
        a.settings.mode,
        a.settings.k,
        if a.can_login { "  can log in" } else { "" },
        if a.description.is_empty() {
            String::new()
        } else {
            format!("\n  {}", a.description)
        }
    )
}

pub async fn run(cmd: AgentsCommand, ctx: &Ctx) -> anyhow::Result<()> {
    let h = ctx.open(2).await?;
    let out = &ctx.out;
    match cmd {
        AgentsCommand::Create {
            name,
            categories,
            description,
            pin,
            settings,
        } => {
            let new = NewAgent {
                name,
                description,
                categories,
                pinned_version: pin,
                settings: settings.over(AgentSettings::default()),
            };
            let a = agents::create(&h, &new).await?;
            out.value(&a, || format!("created {}", describe(&a)));
        }
        AgentsCommand::List => {
            let all = agents::list(&h).await?;
            out.value(&all, || {
                if all.is_empty() {
                    "no agents: define one with `dtrag agents create NAME --category KEY`".into()
                } else {
                    all.iter().map(describe).collect::<Vec<_>>().join("\n")
                }
            });
        }
        AgentsCommand::Show { name } => {
            let a = agents::show(&h, &name).await?;
            out.value(&a, || describe(&a));
        }
        AgentsCommand::Update {
            name,
            categories,
            description,
            pin,
            follow_head,
            settings,
        } => {
            let settings = if settings.given() {
                Some(settings.over(agents::show(&h, &name).await?.settings))
            } else {
                None
            };
            let change = AgentChange {
                description,
                categories: (!categories.is_empty()).then_some(categories),
                pinned_version: if follow_head {
                    Some(None)
                } else {
                    pin.map(Some)
                },
                settings,
            };
            let a = agents::update(&h, &name, &change).await?;
            out.value(&a, || format!("updated {}", describe(&a)));
        }
        AgentsCommand::Remove { name } => {
            let a = agents::remove(&h, &name).await?;
            out.value(&a, || {
                format!("removed agent {} and its role {}", a.name, a.role)
            });
        }
        AgentsCommand::Check { name } => {
            let c = agents::self_check(&h, &name).await?;
            out.value(&c, || {
                let mut s = String::new();
                for p in &c.probes {
                    s += &format!(
                        "{} {}: {}\n",
                        if p.passed { "ok  " } else { "FAIL" },
                        p.name,
                        p.detail
                    );
                }
                s + if c.passed {
                    "the agent reads only its scope"
                } else {
                    "the agent is NOT isolated: see the failed probes"
                }
            });
            if !c.passed {
                anyhow::bail!("the self-check of agent {name} failed");
            }
        }
        AgentsCommand::Credentials { name, revoke } => {
            let c = agents::credentials(&h, &name, revoke).await?;
            out.value(&c, || match &c.url {
                Some(url) => format!(
                    "{url}\n(the role {} can log in with this password{})",
                    c.role,
                    if c.in_keyring {
                        "; it is kept in the OS keyring"
                    } else {
                        "; no OS keyring is reachable, so this is its only copy"
                    }
                ),
                None => format!("the role {} can no longer log in", c.role),
            });
        }
    }
    Ok(())
}
