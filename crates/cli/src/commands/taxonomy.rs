//! `dtrag taxonomy …` and `dtrag demo`.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::{Args, Subcommand};

use dtrag_api::taxonomy::{
    self as api, CheckRequest, DiffRequest, EditRequest, ExportRequest, FileFormat, ImportRequest,
    NodeRequest, RollbackRequest, TreeRequest, FIND_LIMIT_DEFAULT,
};
use dtrag_api::types::EditOp;

use crate::output;
use crate::Ctx;

#[derive(Args)]
pub struct Message {
    /// What the change is for (recorded on the version).
    #[arg(short, long)]
    message: Option<String>,
    /// The version the change was made against (default: the head).
    #[arg(long)]
    base: Option<i64>,
}

#[derive(Subcommand)]
pub enum TaxonomyCommand {
    /// Publishes a version equal to a file (nodes missing from the file are removed): JSON Lines,
    /// or SKOS in Turtle, N-Triples, RDF/XML or JSON-LD.
    Import {
        file: PathBuf,
        #[arg(short, long)]
        message: Option<String>,
        /// jsonl, turtle, ntriples, rdfxml, jsonld (default: by extension; .jsonl and others: jsonl).
        #[arg(long)]
        format: Option<String>,
        /// SKOS: the namespace stripped from concept IRIs to make keys.
        #[arg(long = "base")]
        namespace: Option<String>,
        /// SKOS: the language of labels (default: the file's most common; en-GB stands in for en).
        #[arg(long)]
        lang: Option<String>,
        /// Shows what the import would change, writes nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Writes a version as JSON Lines sorted by key, or as SKOS sorted by subject.
    Export {
        #[arg(long)]
        version: Option<i64>,
        /// Output file (default: standard output).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// jsonl (default), turtle, ntriples, rdfxml, jsonld.
        #[arg(long)]
        format: Option<String>,
        /// SKOS: the namespace put before keys.
        #[arg(long = "base")]
        namespace: Option<String>,
        /// SKOS: the language tag of labels (default: the version's, else en).
        #[arg(long)]
        lang: Option<String>,
    },
    /// Quality checks after qSKOS: orphans, missing, empty and duplicate labels, two prefLabels
    /// in one language, redundant parents, top concepts with a parent, disconnected clusters,
    /// undocumented nodes.
    Check {
        #[arg(long)]
        version: Option<i64>,
        /// The language the labels are in (default: the version's, else en).
        #[arg(long)]
        lang: Option<String>,
    },
    /// Lists the versions.
    Versions,
    /// Prints the tree (a node with several parents appears under each).
    Tree {
        #[arg(long)]
        version: Option<i64>,
        #[arg(long)]
        under: Option<String>,
        #[arg(long)]
        depth: Option<usize>,
    },
    /// A node, its parents, children, and every path to a root.
    Show {
        key: String,
        #[arg(long)]
        version: Option<i64>,
    },
    /// Finds nodes by label or alternative label (trigram-ranked).
    Find {
        text: String,
        #[arg(long)]
        version: Option<i64>,
        #[arg(long, default_value_t = FIND_LIMIT_DEFAULT)]
        limit: i64,
    },
    /// Applies a change set (JSON Lines of operations) as one version.
    Edit {
        ops: PathBuf,
        #[command(flatten)]
        msg: Message,
    },
    /// Adds a node.
    Add {
        key: String,
        label: String,
        #[arg(long = "parent")]
        parents: Vec<String>,
        #[arg(long, default_value = "")]
        description: String,
        #[arg(long = "alt-label")]
        alt_labels: Vec<String>,
        #[command(flatten)]
        msg: Message,
    },
    /// Changes a node's label.
    Rename {
        key: String,
        label: String,
        #[command(flatten)]
        msg: Message,
    },
    /// Changes a node's description.
    Describe {
        key: String,
        description: String,
        #[command(flatten)]
        msg: Message,
    },
    /// Replaces a node's alternative labels.
    AltLabels {
        key: String,
        labels: Vec<String>,
        #[command(flatten)]
        msg: Message,
    },
    /// Adds a parent to a node.
    AddParent {
        key: String,
        parent: String,
        #[command(flatten)]
        msg: Message,
    },
    /// Removes a parent from a node.
    RemoveParent {
        key: String,
        parent: String,
        #[command(flatten)]
        msg: Message,
    },
    /// Replaces a node's parents (none: it becomes a root).
    Move {
        key: String,
        #[arg(long = "parent")]
        parents: Vec<String>,
        #[command(flatten)]
        msg: Message,
    },
    /// Deletes a node (refused while it has children, unless --cascade).
    Delete {
        key: String,
        #[arg(long)]
        cascade: bool,
        #[command(flatten)]
        msg: Message,
    },
    /// Merges FROM into INTO (children and labels move to INTO; FROM is removed).
    Merge {
        from: String,
        into: String,
        #[command(flatten)]
        msg: Message,
    },
    /// What changed from version A to version B.
    Diff { a: i64, b: i64 },
    /// Publishes a new version equal to an earlier one.
    Rollback {
        #[arg(long)]
        to: i64,
        /// Shows what would change, writes nothing.
        #[arg(long)]
        dry_run: bool,
        /// Confirms without asking (for scripts and runbooks).
        #[arg(long)]
        yes: bool,
        #[arg(short, long)]
        message: Option<String>,
    },
}

pub async fn run(cmd: TaxonomyCommand, ctx: &Ctx) -> anyhow::Result<()> {
    let h = ctx.open(4).await?;
    let out = &ctx.out;
    let single = |op: EditOp, msg: Message| EditRequest {
        base: msg.base,
        ops: vec![op],
        message: msg.message,
    };
    let edit = match cmd {
        TaxonomyCommand::Import {
            file,
            message,
            format,
            namespace,
            lang,
            dry_run,
        } => {
            let req = ImportRequest {
                path: file.display().to_string(),
                message,
                format: format.as_deref().map(FileFormat::parse).transpose()?,
                base: namespace,
                lang,
            };
            if dry_run {
                out.import_preview(&api::preview_import(&h, req).await?);
            } else {
                out.imported(&api::import(&h, req).await?);
            }
            return Ok(());
        }
        TaxonomyCommand::Export {
            version,
            output,
            format,
            namespace,
            lang,
        } => {
            let req = ExportRequest {
                version,
                format: format.as_deref().map(FileFormat::parse).transpose()?,
                base: namespace,
                lang,
            };
            output::write_bytes(&api::export_file(&h, req).await?, output.as_deref())?;
            return Ok(());
        }
        TaxonomyCommand::Check { version, lang } => {
            out.quality(&api::check(&h, CheckRequest { version, lang }).await?);
            return Ok(());
        }
        TaxonomyCommand::Versions => {
            out.versions(&api::versions(&h).await?);
            return Ok(());
        }
        TaxonomyCommand::Tree {
            version,
            under,
            depth,
        } => {
            let (v, lines) = api::tree(
                &h,
                TreeRequest {
                    version,
                    under,
                    depth,
                },
            )
            .await?;
            out.tree(v, &lines);
            return Ok(());
        }
        TaxonomyCommand::Show { key, version } => {
            out.details(&api::node_details(&h, NodeRequest { version, key }).await?);
            return Ok(());
        }
        TaxonomyCommand::Find {
            text,
            version,
            limit,
        } => {
            let req = api::FindRequest {
                version,
                text,
                limit: Some(limit),
            };
            out.find(&api::find(&h, req).await?);
            return Ok(());
        }
        TaxonomyCommand::Diff { a, b } => {
            out.diff(&api::diff(&h, DiffRequest { from: a, to: b }).await?);
            return Ok(());
        }
        TaxonomyCommand::Rollback {
            to,
            dry_run,
            yes,
            message,
        } => {
            if dry_run || !yes {
                let preview = api::preview_rollback(&h, to).await?;
                if dry_run {
                    out.rollback(&preview);
                    return Ok(());
                }
                out.diff(&preview.diff);
                confirm(&format!("Publish a new version equal to version {to}?"))?;
            }
            out.rollback(&api::rollback(&h, RollbackRequest { to, message }).await?);
            return Ok(());
        }
        TaxonomyCommand::Edit { ops, msg } => EditRequest {
            base: msg.base,
            ops: api::read_ops(ops).await?,
            message: msg.message,
        },
        TaxonomyCommand::Add {
            key,
            label,
            parents,
            description,
            alt_labels,
            msg,
        } => single(
            EditOp::Add {
                key,
                label,
                alt_labels,
                description,
                parents,
            },
            msg,
        ),
        TaxonomyCommand::Rename { key, label, msg } => single(EditOp::Rename { key, label }, msg),
        TaxonomyCommand::Describe {
            key,
            description,
            msg,
        } => single(EditOp::SetDescription { key, description }, msg),
        TaxonomyCommand::AltLabels { key, labels, msg } => single(
            EditOp::SetAltLabels {
                key,
                alt_labels: labels,
            },
            msg,
        ),
        TaxonomyCommand::AddParent { key, parent, msg } => {
            single(EditOp::AddParent { key, parent }, msg)
        }
        TaxonomyCommand::RemoveParent { key, parent, msg } => {
            single(EditOp::RemoveParent { key, parent }, msg)
        }
        TaxonomyCommand::Move { key, parents, msg } => single(EditOp::Move { key, parents }, msg),
        TaxonomyCommand::Delete { key, cascade, msg } => {
            single(EditOp::Delete { key, cascade }, msg)
        }
        TaxonomyCommand::Merge { from, into, msg } => single(EditOp::Merge { from, into }, msg),
    };
    out.published("edit", &api::publish_edits(&h, edit).await?);
    Ok(())
}

/// Asks on a terminal; refuses in a script (pass --yes there).
fn confirm(question: &str) -> anyhow::Result<()> {
    if !std::io::stdin().is_terminal() {
        bail!("refusing to roll back without confirmation: pass --yes (or --dry-run to preview)");
    }
    eprint!("{question} [y/N] ");
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .context("reading the answer")?;
    if !matches!(answer.trim(), "y" | "Y" | "yes") {
        bail!("rollback cancelled");
    }
    Ok(())
}

/// `dtrag demo`: opens the database (a new embedded one gets the samples) and prints the tree.
pub async fn demo(ctx: &Ctx) -> anyhow::Result<()> {
    let h = ctx.open(2).await?;
    let (v, lines) = api::tree(&h, TreeRequest::default()).await?;
    ctx.out.tree(v, &lines);
    Ok(())
}
