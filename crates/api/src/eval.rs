//! Retrieval evaluation: golden sets run per mode (as the owner at a version, or as an agent),
//! compared between versions, used to tune the fusion; sets kept by name and the last result
//! per set, agent and version kept with them. A run of a stored set (or one saved with
//! `save_as`) stores its result; a refused input writes nothing.

use std::path::PathBuf;

use serde::Deserialize;

use dtrag_core::eval::{self, golden, store, tune};
use dtrag_core::{Error, Result};

use crate::types::{
    Comparison, EvalOptions, EvalReport, GoldenQuery, GoldenSetSummary, TuneReport,
};
use crate::Handle;

/// Where a run's questions come from: a file, or a stored set (exactly one).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GoldenSource {
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub file: Option<PathBuf>,
    pub set: Option<String>,
    /// Store the file's questions as this set (and the result with it).
    pub save_as: Option<String>,
}

/// A run of a golden set.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EvalRequest {
    pub source: GoldenSource,
    pub options: EvalOptions,
}

/// The same set at versions `a` and `b`.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CompareRequest {
    pub source: GoldenSource,
    pub options: EvalOptions,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub a: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub b: i64,
}

/// The last result of a stored set for an agent (or the owner) at a version (or the latest).
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LastEvalRequest {
    pub set: String,
    #[serde(default)]
    pub agent: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub version: Option<i64>,
}

/// The questions of `src` and the name they go by (the set, or the file).
async fn load(h: &Handle, src: &GoldenSource) -> Result<(String, Vec<GoldenQuery>, bool)> {
    match (&src.file, &src.set) {
        (Some(path), None) => {
            let queries = golden::read_file(path)?;
            match &src.save_as {
                Some(name) => {
                    store::check_name(name)?;
                    Ok((name.clone(), queries, true))
                }
                None => Ok((path.display().to_string(), queries, false)),
            }
        }
        (None, Some(name)) if src.save_as.is_none() => {
            let mut conn = h.pool().acquire().await?;
            let (_, queries) = store::get_set(&mut conn, name).await?;
            Ok((name.clone(), queries, true))
        }
        (None, Some(_)) => Err(Error::Invalid(
            "save_as stores a file's questions; a stored set is stored already".into(),
        )),
        _ => Err(Error::Invalid(
            "give a golden file or the name of a stored set (one of them)".into(),
        )),
    }
}

/// Runs a golden set; a named set (stored, or saved now) keeps the result as its last one.
pub async fn search(h: &Handle, req: &EvalRequest) -> Result<EvalReport> {
    let (name, queries, named) = load(h, &req.source).await?;
    let mut report = eval::run::run(h.pool(), &queries, &req.options, &name, h.embedders()).await?;
    if named {
        report.set = Some(name.clone());
        // The set (when new) and the result in one transaction, after the run succeeded.
        let mut tx = h.pool().begin().await?;
        let id = match &req.source.save_as {
            Some(_) => store::save_set(&mut tx, &name, &queries, h.author()).await?,
            None => store::get_set(&mut tx, &name).await?.0,
        };
        store::save_result(&mut tx, id, &report, h.author()).await?;
        tx.commit().await?;
    }
    Ok(report)
}

/// Runs a golden set at two versions and lists the queries whose nDCG moved.
pub async fn compare(h: &Handle, req: &CompareRequest) -> Result<Comparison> {
    let (name, queries, _) = load(h, &req.source).await?;
    eval::run::compare(
        h.pool(),
        &queries,
        &req.options,
        (req.a, req.b),
        &name,
        h.embedders(),
    )
    .await
}

/// Picks the fusion and weights that score best on the set and stores them for the model (or
/// in the agent's settings, with `options.agent`).
pub async fn tune(h: &Handle, req: &EvalRequest) -> Result<TuneReport> {
    let (name, queries, _) = load(h, &req.source).await?;
    let o = &req.options;
    tune::tune(
        h.pool(),
        &queries,
        &name,
        o.agent.as_deref(),
        o.version,
        o.k,
        h.author(),
        h.embedders(),
    )
    .await
}

/// Stores a golden file as the set `name` (its documents checked first).
pub async fn save_set(h: &Handle, name: &str, file: &std::path::Path) -> Result<GoldenSetSummary> {
    let queries = golden::read_file(file)?;
    store::check_name(name)?;
    let mut tx = h.pool().begin().await?;
    golden::check_documents(&mut tx, &queries, &file.display().to_string()).await?;
    store::save_set(&mut tx, name, &queries, h.author()).await?;
    tx.commit().await?;
    sets(h)
        .await?
        .into_iter()
        .find(|s| s.name == name)
        .ok_or_else(|| Error::Internal(format!("golden set {name:?} not found after saving")))
}

pub async fn sets(h: &Handle) -> Result<Vec<GoldenSetSummary>> {
    store::list_sets(h.pool()).await
}

pub async fn remove_set(h: &Handle, name: &str) -> Result<()> {
    store::remove_set(h.pool(), name, h.author()).await
}

/// The last result of a stored set (none: never run for that agent and version).
pub async fn last(h: &Handle, req: &LastEvalRequest) -> Result<Option<EvalReport>> {
    store::last_result(h.pool(), &req.set, req.agent.as_deref(), req.version).await
}
