//! The taxonomy's use cases: browse any version, find, diff, edit (preview and publish), import,
//! export, roll back (files in and out, and the quality checks: `interchange`). A version in a request is optional — `None` is the head — and is resolved
//! here, once per call, on the call's one connection.

use std::path::PathBuf;

use serde::Deserialize;

use dtrag_core::taxonomy::edit::{self, EditOp};
use dtrag_core::taxonomy::read::{self, At};
use dtrag_core::taxonomy::{diff, rollback};
use dtrag_core::{limits, Error, Result};

pub use crate::interchange::{
    check, export_file, import, preview_import, CheckRequest, ExportRequest, FileFormat,
    ImportPreview, Imported,
};
use crate::limits::check as check_limit;
use crate::types::{
    Diff, FindHit, NodeDetails, NodeRecord, NodeSummary, Published, RollbackOutcome, TreeLine,
    Version,
};
use crate::Handle;

/// Default number of label-search hits.
pub const FIND_LIMIT_DEFAULT: i64 = 20;

/// A version to read at (`None`: the head).
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VersionRequest {
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub version: Option<i64>,
}

/// A node at a version.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NodeRequest {
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub version: Option<i64>,
    pub key: String,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FindRequest {
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub version: Option<i64>,
    pub text: String,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub limit: Option<i64>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DiffRequest {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub from: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub to: i64,
}

/// A change set written against `base` (`None`: the head at the time of the call).
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EditRequest {
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub base: Option<i64>,
    pub ops: Vec<EditOp>,
    /// What the change is for (default: a description of the operations).
    pub message: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RollbackRequest {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub to: i64,
    pub message: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportRequest {
    pub path: String,
    pub message: Option<String>,
    /// Default: by the file's extension (JSON Lines unless `.ttl`, `.nt`, `.rdf`, `.xml`, `.owl`, `.jsonld`).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub format: Option<FileFormat>,
    /// SKOS: the namespace stripped from concept IRIs to make keys.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub base: Option<String>,
    /// SKOS: the language of labels (default: the file's most common).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub lang: Option<String>,
}

pub async fn versions(h: &Handle) -> Result<Vec<Version>> {
    let mut conn = h.pool().acquire().await?;
    read::versions(&mut conn).await
}

/// The head version (0 for a taxonomy never published).
pub async fn head(h: &Handle) -> Result<i64> {
    let mut conn = h.pool().acquire().await?;
    read::head_version(&mut conn).await
}

pub async fn roots(h: &Handle, req: VersionRequest) -> Result<Vec<NodeSummary>> {
    let mut conn = h.pool().acquire().await?;
    let at = At::resolve(&mut conn, req.version).await?;
    read::roots(&mut conn, at).await
}

pub async fn children(h: &Handle, req: NodeRequest) -> Result<Vec<NodeSummary>> {
    let mut conn = h.pool().acquire().await?;
    let at = At::resolve(&mut conn, req.version).await?;
    read::children(&mut conn, at, &req.key).await
}

pub async fn node_details(h: &Handle, req: NodeRequest) -> Result<NodeDetails> {
    let mut conn = h.pool().acquire().await?;
    read::show(&mut conn, req.version, &req.key).await
}

pub async fn find(h: &Handle, req: FindRequest) -> Result<Vec<FindHit>> {
    let limit = check_limit(
        "the number of hits",
        req.limit.unwrap_or(FIND_LIMIT_DEFAULT),
        limits::FIND_LIMIT,
    )?;
    let mut conn = h.pool().acquire().await?;
    read::find(&mut conn, req.version, &req.text, limit).await
}

#[derive(Debug, Clone, Default)]
pub struct TreeRequest {
    pub version: Option<i64>,
    pub under: Option<String>,
    pub depth: Option<usize>,
}

/// The tree for printing: the version shown and its lines.
pub async fn tree(h: &Handle, req: TreeRequest) -> Result<(i64, Vec<TreeLine>)> {
    let mut conn = h.pool().acquire().await?;
    read::tree(&mut conn, req.version, req.under.as_deref(), req.depth).await
}

/// The whole taxonomy at a version, sorted by key: the import format.
pub async fn export(h: &Handle, req: VersionRequest) -> Result<Vec<NodeRecord>> {
    let mut conn = h.pool().acquire().await?;
    read::export(&mut conn, req.version).await
}

pub async fn diff(h: &Handle, req: DiffRequest) -> Result<Diff> {
    let mut conn = h.pool().acquire().await?;
    diff::diff(&mut conn, req.from, req.to).await
}

/// The change set of a file of operations (one JSON object a line).
pub async fn read_ops(path: PathBuf) -> Result<Vec<EditOp>> {
    tokio::task::spawn_blocking(move || edit::read_ops(&path))
        .await
        .map_err(|e| Error::Internal(format!("reading the change set failed: {e}")))?
}

async fn base_of(h: &Handle, base: Option<i64>) -> Result<i64> {
    match base {
        Some(b) => Ok(b),
        None => head(h).await,
    }
}

fn edit_message(ops: &[EditOp]) -> String {
    match ops {
        [op] => format!("{} via dtrag", op.name()),
        _ => format!("{} operation(s) via dtrag", ops.len()),
    }
}

/// What publishing the change set would change; nothing is written.
pub async fn preview_edits(h: &Handle, req: EditRequest) -> Result<Diff> {
    let base = base_of(h, req.base).await?;
    let meta = h.meta(None, || "preview".into());
    edit::preview(h.pool(), base, &req.ops, &meta).await
}

/// Publishes the change set as one version (rebased when the head moved without touching its
/// nodes; a conflict otherwise).
pub async fn publish_edits(h: &Handle, req: EditRequest) -> Result<Published> {
    let base = base_of(h, req.base).await?;
    let meta = h.meta(req.message, || edit_message(&req.ops));
    edit::apply(h.pool(), base, &req.ops, &meta).await
}

/// What rolling back to `to` would change; nothing is written.
pub async fn preview_rollback(h: &Handle, to: i64) -> Result<RollbackOutcome> {
    let meta = h.meta(None, || "preview".into());
    rollback::rollback(h.pool(), to, true, &meta).await
}

/// Publishes a new version equal to `to`.
pub async fn rollback(h: &Handle, req: RollbackRequest) -> Result<RollbackOutcome> {
    let meta = h.meta(req.message, || format!("rollback to version {}", req.to));
    rollback::rollback(h.pool(), req.to, false, &meta).await
}
