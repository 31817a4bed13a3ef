//! The Tauri commands: each looks up the open handle and makes one `dtrag-api` call. No SQL and
//! no domain rules here; the command list is checked against build.rs, the capability file, the
//! UI's api.ts and docs/ipc.md by `command_list::tests`. Classification and the review queue are
//! in [`review`], agents in [`agents`].

pub mod agents;
pub mod database;
pub mod eval;
pub mod review;

use dtrag_api::audit::AuditRequest;
use dtrag_api::taxonomy::{
    CheckRequest, DiffRequest, EditRequest, FindRequest, ImportPreview, ImportRequest, Imported,
    NodeRequest, RollbackRequest, VersionRequest,
};
use dtrag_api::types::{
    AuditEntry, Diff, FindHit, Model, NodeDetails, NodeSummary, Published, QualityReport,
    RollbackOutcome, SearchRequest, SearchResult, Version,
};
use dtrag_api::{audit, models, search, taxonomy, CommandError};
use tauri::State;

use crate::connection::{ConnectRequest, ConnectionStatus};
use crate::state::AppState;

type Res<T> = Result<T, CommandError>;

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn connection_status(state: State<'_, AppState>) -> Res<ConnectionStatus> {
    Ok(state.status().await)
}

#[tauri::command]
#[tracing::instrument(skip_all, fields(url = ?request.url, remember = request.remember))]
pub async fn connect(state: State<'_, AppState>, request: ConnectRequest) -> Res<ConnectionStatus> {
    state.connect(request).await
}

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn forget_connection(state: State<'_, AppState>) -> Res<ConnectionStatus> {
    state.forget().await
}

#[tauri::command]
#[tracing::instrument(skip_all, err(Debug))]
pub async fn list_versions(state: State<'_, AppState>) -> Res<Vec<Version>> {
    Ok(taxonomy::versions(&state.handle().await?).await?)
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn roots(state: State<'_, AppState>, request: VersionRequest) -> Res<Vec<NodeSummary>> {
    Ok(taxonomy::roots(&state.handle().await?, request).await?)
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn children(state: State<'_, AppState>, request: NodeRequest) -> Res<Vec<NodeSummary>> {
    Ok(taxonomy::children(&state.handle().await?, request).await?)
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn node_details(state: State<'_, AppState>, request: NodeRequest) -> Res<NodeDetails> {
    Ok(taxonomy::node_details(&state.handle().await?, request).await?)
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn find_nodes(state: State<'_, AppState>, request: FindRequest) -> Res<Vec<FindHit>> {
    Ok(taxonomy::find(&state.handle().await?, request).await?)
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn diff_versions(state: State<'_, AppState>, request: DiffRequest) -> Res<Diff> {
    Ok(taxonomy::diff(&state.handle().await?, request).await?)
}

#[tauri::command]
#[tracing::instrument(skip(state, request), fields(ops = request.ops.len()), err(Debug))]
pub async fn preview_edits(state: State<'_, AppState>, request: EditRequest) -> Res<Diff> {
    Ok(taxonomy::preview_edits(&state.handle().await?, request).await?)
}

#[tauri::command]
#[tracing::instrument(skip(state, request), fields(ops = request.ops.len()), err(Debug))]
pub async fn publish_edits(state: State<'_, AppState>, request: EditRequest) -> Res<Published> {
    Ok(taxonomy::publish_edits(&state.handle().await?, request).await?)
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn preview_rollback(
    state: State<'_, AppState>,
    request: RollbackRequest,
) -> Res<RollbackOutcome> {
    Ok(taxonomy::preview_rollback(&state.handle().await?, request.to).await?)
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn rollback(
    state: State<'_, AppState>,
    request: RollbackRequest,
) -> Res<RollbackOutcome> {
    Ok(taxonomy::rollback(&state.handle().await?, request).await?)
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn audit_log(state: State<'_, AppState>, request: AuditRequest) -> Res<Vec<AuditEntry>> {
    Ok(audit::list(&state.handle().await?, request).await?)
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn import_taxonomy(state: State<'_, AppState>, request: ImportRequest) -> Res<Imported> {
    Ok(taxonomy::import(&state.handle().await?, request).await?)
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn preview_import(
    state: State<'_, AppState>,
    request: ImportRequest,
) -> Res<ImportPreview> {
    Ok(taxonomy::preview_import(&state.handle().await?, request).await?)
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn check_taxonomy(
    state: State<'_, AppState>,
    request: CheckRequest,
) -> Res<QualityReport> {
    Ok(taxonomy::check(&state.handle().await?, request).await?)
}

#[tauri::command]
#[tracing::instrument(
    skip(state, request),
    fields(mode = ?request.mode, k = request.k, under = request.under.len()),
    err(Debug)
)]
pub async fn search(state: State<'_, AppState>, request: SearchRequest) -> Res<SearchResult> {
    Ok(search::search(&state.handle().await?, &request).await?)
}

#[tauri::command]
#[tracing::instrument(skip_all, err(Debug))]
pub async fn embedding_models(state: State<'_, AppState>) -> Res<Vec<Model>> {
    Ok(models::list(&state.handle().await?).await?)
}
