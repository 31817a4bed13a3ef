//! `dtrag classify`, `dtrag review …` and `dtrag classifications export`.

use clap::{Args, Subcommand, ValueEnum};

use dtrag_api::review::{
    self as api, BulkRequest, ClassifyRequest, DecideRequest, ItemRequest, QueueRequest,
    UndoRequest, REVIEW_PAGE_DEFAULT,
};
use dtrag_api::types::{Decision, DocumentSet, Reason, ReviewFilter, ReviewOrder};

use crate::output::Progress;
use crate::Ctx;

#[derive(Args)]
pub struct ClassifyArgs {
    /// The embedding model whose vectors are used (default: the default model).
    #[arg(long)]
    model: Option<String>,
    /// The precision auto-accepted suggestions must reach on held-out human labels.
    #[arg(long, default_value_t = dtrag_api::limits::PRECISION_DEFAULT)]
    precision: f32,
    /// `unreviewed`: documents never classified (resumes a stopped run); `all`: re-classify
    /// every document without a human label.
    #[arg(long, value_enum, default_value_t = Documents::Unreviewed)]
    documents: Documents,
    /// The share of auto-accepted documents sent to review as audit samples.
    #[arg(long, default_value_t = dtrag_api::limits::AUDIT_SHARE_DEFAULT)]
    audit_share: f32,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Documents {
    Unreviewed,
    All,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Order {
    Uncertainty,
    Oldest,
    Impact,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ReasonArg {
    LowConfidence,
    CategoryRemoved,
    CategorySplit,
    AuditSample,
}

/// Which open items.
#[derive(Args, Clone)]
pub struct FilterArgs {
    /// Items with a suggestion in this category's subtree (repeatable).
    #[arg(long = "under", value_name = "KEY")]
    under: Vec<String>,
    #[arg(long, value_enum)]
    reason: Option<ReasonArg>,
    /// Items whose top suggestion has at least this confidence.
    #[arg(long)]
    min_confidence: Option<f32>,
    /// Items whose top suggestion has at most this confidence.
    #[arg(long)]
    max_confidence: Option<f32>,
}

impl FilterArgs {
    fn filter(&self) -> ReviewFilter {
        ReviewFilter {
            under: self.under.clone(),
            reason: self.reason.map(|r| match r {
                ReasonArg::LowConfidence => Reason::LowConfidence,
                ReasonArg::CategoryRemoved => Reason::CategoryRemoved,
                ReasonArg::CategorySplit => Reason::CategorySplit,
                ReasonArg::AuditSample => Reason::AuditSample,
            }),
            min_confidence: self.min_confidence,
            max_confidence: self.max_confidence,
        }
    }
}

#[derive(Subcommand)]
pub enum ReviewCommand {
    /// A page of the queue.
    List {
        #[command(flatten)]
        filter: FilterArgs,
        #[arg(long, value_enum, default_value_t = Order::Uncertainty)]
        order: Order,
        #[arg(long, default_value_t = REVIEW_PAGE_DEFAULT)]
        limit: i64,
        #[arg(long, default_value_t = 0)]
        offset: i64,
        /// Lease the listed items to you (others will not get them while you decide).
        #[arg(long)]
        lease: bool,
    },
    /// One item in full, with every path of each suggestion.
    Show { id: i64 },
    /// Accept an item's top suggestion (or the named ones), or with `--where` every matching
    /// item's top suggestion.
    Accept {
        id: Option<i64>,
        /// Accept these suggestions instead of the top one (repeatable).
        #[arg(long = "category", value_name = "KEY")]
        categories: Vec<String>,
        /// Bulk: accept every open item the filter matches (not a page).
        #[arg(long = "where")]
        bulk: bool,
        #[command(flatten)]
        filter: FilterArgs,
        /// Bulk: count what would be accepted, write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Bulk: refuse if any matching item's top confidence is below this.
        #[arg(long, default_value_t = dtrag_api::limits::REVIEW_BULK_FLOOR)]
        floor: f32,
        /// Bulk: accept items below the floor too.
        #[arg(long)]
        force: bool,
    },
    /// None of the suggestions is right.
    Reject { id: i64 },
    /// The document belongs under other categories.
    Reassign {
        id: i64,
        #[arg(long = "to", value_name = "KEY", required = true)]
        to: Vec<String>,
    },
    /// Put an item back at the end of the queue.
    Skip { id: i64 },
    /// Undo your last decision (or the given one).
    Undo {
        #[arg(long)]
        decision: Option<i64>,
    },
    /// Your last decisions.
    Recent,
    /// Release the items leased to you (`list --lease`), so others can take them now.
    Release,
    /// Pending, decided, HITL rate, measured and estimated precision.
    Stats,
}

#[derive(Subcommand)]
pub enum ClassificationsCommand {
    /// Every live classification as JSON Lines.
    Export {
        /// Only rows with this status (auto_accepted, pending, accepted, rejected).
        #[arg(long)]
        status: Option<String>,
    },
}

pub async fn classify(args: ClassifyArgs, ctx: &Ctx) -> anyhow::Result<()> {
    let h = ctx.open(4).await?;
    let req = ClassifyRequest {
        model: args.model,
        precision: Some(args.precision),
        documents: match args.documents {
            Documents::Unreviewed => DocumentSet::Unreviewed,
            Documents::All => DocumentSet::All,
        },
        audit_share: Some(args.audit_share),
    };
    let mut progress = Progress::new(!ctx.out.json);
    let run = api::classify(&h, req, &mut |p| progress.update(&p)).await;
    progress.finish();
    ctx.out.classified(&run?);
    Ok(())
}

pub async fn review(cmd: ReviewCommand, ctx: &Ctx) -> anyhow::Result<()> {
    let h = ctx.open(2).await?;
    let out = &ctx.out;
    match cmd {
        ReviewCommand::List {
            filter,
            order,
            limit,
            offset,
            lease,
        } => {
            let req = QueueRequest {
                filter: filter.filter(),
                order: match order {
                    Order::Uncertainty => ReviewOrder::Uncertainty,
                    Order::Oldest => ReviewOrder::Oldest,
                    Order::Impact => ReviewOrder::Impact,
                },
                limit: Some(limit),
                offset: Some(offset),
            };
            let page = if lease {
                api::next(&h, req).await?
            } else {
                api::list(&h, req).await?
            };
            out.review_page(&page);
        }
        ReviewCommand::Show { id } => {
            out.review_item(&api::item(&h, ItemRequest { item: id }).await?)
        }
        ReviewCommand::Accept {
            id,
            categories,
            bulk,
            filter,
            dry_run,
            floor,
            force,
        } => match (id, bulk) {
            (Some(item), false) => {
                let req = DecideRequest {
                    item,
                    decision: Decision::Accept { categories },
                };
                out.decided(&api::decide(&h, req).await?);
            }
            (None, true) => {
                let req = BulkRequest {
                    filter: filter.filter(),
                    floor: Some(floor),
                    force,
                    dry_run,
                };
                out.bulk(&api::bulk_accept(&h, req).await?);
            }
            (Some(_), true) => anyhow::bail!("give an item id or --where, not both"),
            (None, false) => {
                anyhow::bail!("give an item id, or --where with a filter for a bulk accept")
            }
        },
        ReviewCommand::Reject { id } => {
            let req = DecideRequest {
                item: id,
                decision: Decision::Reject,
            };
            out.decided(&api::decide(&h, req).await?);
        }
        ReviewCommand::Reassign { id, to } => {
            let req = DecideRequest {
                item: id,
                decision: Decision::Reassign { to },
            };
            out.decided(&api::decide(&h, req).await?);
        }
        ReviewCommand::Skip { id } => {
            api::skip(&h, ItemRequest { item: id }).await?;
            out.value(&serde_json::json!({"skipped": id}), || {
                format!("item {id} skipped: it goes behind the rest of the queue")
            });
        }
        ReviewCommand::Undo { decision } => {
            let u = api::undo(&h, UndoRequest { decision }).await?;
            out.value(&u, || {
                format!(
                    "undid decision {} ({} of item {}): the item is open again",
                    u.decision_id, u.action, u.item
                )
            });
        }
        ReviewCommand::Recent => out.recent(&api::recent(&h).await?),
        ReviewCommand::Release => {
            let n = api::release(&h).await?;
            out.value(&serde_json::json!({"released": n}), || {
                format!("released {n} item(s) leased to you")
            });
        }
        ReviewCommand::Stats => out.review_stats(&api::stats(&h).await?),
    }
    Ok(())
}

pub async fn classifications(cmd: ClassificationsCommand, ctx: &Ctx) -> anyhow::Result<()> {
    let h = ctx.open(2).await?;
    match cmd {
        ClassificationsCommand::Export { status } => {
            let rows = api::export(&h, status).await?;
            crate::output::write_jsonl(&rows, None)?;
        }
    }
    Ok(())
}
