//! The retrieval-evaluation commands: each looks up the open handle and makes one
//! `dtrag_api::eval` call. The app runs stored golden sets (made with `dtrag eval sets add`) and
//! shows the last result per agent and version.

use dtrag_api::eval::{self, EvalRequest, LastEvalRequest};
use dtrag_api::types::{EvalReport, GoldenSetSummary};
use tauri::State;

use super::Res;
use crate::state::AppState;

#[tauri::command]
#[tracing::instrument(skip_all, err(Debug))]
pub async fn eval_sets(state: State<'_, AppState>) -> Res<Vec<GoldenSetSummary>> {
    Ok(eval::sets(&state.handle().await?).await?)
}

/// Runs a golden set (the app runs stored sets only) and keeps the result as its last one.
#[tauri::command]
#[tracing::instrument(
    skip(state, request),
    fields(set = ?request.source.set, agent = ?request.options.agent),
    err(Debug)
)]
pub async fn eval_run(state: State<'_, AppState>, request: EvalRequest) -> Res<EvalReport> {
    Ok(eval::search(&state.handle().await?, &request).await?)
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn eval_last(
    state: State<'_, AppState>,
    request: LastEvalRequest,
) -> Res<Option<EvalReport>> {
    Ok(eval::last(&state.handle().await?, &request).await?)
}
