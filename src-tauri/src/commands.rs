//! The Tauri commands: each translates IPC arguments into one library call and its result back.
//! No SQL and no domain rules here (see docs/ipc.md for the contract).

use dtrag::audit::{self, AuditEntry, AuditFilter};
use dtrag::embed::store::{self, Model};
use dtrag::search::{self, SearchRequest, SearchResult};
use dtrag::taxonomy::diff::{self, Diff};
use dtrag::taxonomy::edit::{self, EditOp};
use dtrag::taxonomy::publish::Published;
use dtrag::taxonomy::read::{self, FindHit, NodeDetails, NodeSummary};
use dtrag::taxonomy::rollback::{self, RollbackOutcome};
use dtrag::taxonomy::{import, Version};
use tauri::State;

use crate::connection::{self, ConnectRequest, ConnectionStatus};
use crate::error::CommandError;
use crate::state::AppState;

type Res<T> = Result<T, CommandError>;

async fn head_flag(pool: &sqlx::PgPool, version: i64) -> Res<bool> {
    let mut conn = pool.acquire().await.map_err(dtrag::Error::from)?;
    let (v, head) = read::resolve_version(&mut conn, Some(version)).await?;
    Ok(v == head)
}

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn connection_status(state: State<'_, AppState>) -> Res<ConnectionStatus> {
    Ok(state.status().await)
}

#[tauri::command]
#[tracing::instrument(skip_all, fields(url = ?request.url, remember = request.remember))]
pub async fn connect(state: State<'_, AppState>, request: ConnectRequest) -> Res<ConnectionStatus> {
    let url = request.url.filter(|u| !u.trim().is_empty());
    if let Some(u) = &url {
        connection::check_url(u)?;
    }
    let status = state
        .connect_to(url.clone(), request.password.clone())
        .await;
    if status.state == "ready" && request.remember {
        connection::save_url(url.as_deref())?;
        if let (Some(u), Some(p)) = (&url, &request.password) {
            connection::store_password(u, p)?;
        }
    }
    Ok(status)
}

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn forget_connection(state: State<'_, AppState>) -> Res<ConnectionStatus> {
    if let Some(url) = connection::saved_url() {
        connection::forget_password(&url);
    }
    connection::save_url(None)?;
    Ok(state.connect_to(None, None).await)
}

#[tauri::command]
#[tracing::instrument(skip_all, err(Debug))]
pub async fn list_versions(state: State<'_, AppState>) -> Res<Vec<Version>> {
    let pool = state.pool().await?;
    let mut conn = pool.acquire().await.map_err(dtrag::Error::from)?;
    Ok(read::versions(&mut conn).await?)
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn roots(state: State<'_, AppState>, version: i64) -> Res<Vec<NodeSummary>> {
    let pool = state.pool().await?;
    let at_head = head_flag(&pool, version).await?;
    let mut conn = pool.acquire().await.map_err(dtrag::Error::from)?;
    Ok(read::roots(&mut conn, version, at_head).await?)
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn children(
    state: State<'_, AppState>,
    version: i64,
    key: String,
) -> Res<Vec<NodeSummary>> {
    let pool = state.pool().await?;
    let at_head = head_flag(&pool, version).await?;
    let mut conn = pool.acquire().await.map_err(dtrag::Error::from)?;
    Ok(read::children(&mut conn, version, at_head, &key).await?)
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn node_details(
    state: State<'_, AppState>,
    version: i64,
    key: String,
) -> Res<NodeDetails> {
    let pool = state.pool().await?;
    let mut conn = pool.acquire().await.map_err(dtrag::Error::from)?;
    Ok(read::show(&mut conn, Some(version), &key).await?)
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn find_nodes(
    state: State<'_, AppState>,
    version: i64,
    text: String,
    limit: i64,
) -> Res<Vec<FindHit>> {
    let pool = state.pool().await?;
    let mut conn = pool.acquire().await.map_err(dtrag::Error::from)?;
    Ok(read::find(&mut conn, Some(version), &text, limit).await?)
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn diff_versions(state: State<'_, AppState>, from: i64, to: i64) -> Res<Diff> {
    let pool = state.pool().await?;
    let mut conn = pool.acquire().await.map_err(dtrag::Error::from)?;
    Ok(diff::diff(&mut conn, from, to).await?)
}

#[tauri::command]
#[tracing::instrument(skip(state, ops), fields(ops = ops.len()), err(Debug))]
pub async fn preview_edits(state: State<'_, AppState>, base: i64, ops: Vec<EditOp>) -> Res<Diff> {
    let pool = state.pool().await?;
    Ok(edit::preview(&pool, base, &ops, &state.meta("preview")).await?)
}

#[tauri::command]
#[tracing::instrument(skip(state, ops), fields(ops = ops.len()), err(Debug))]
pub async fn publish_edits(
    state: State<'_, AppState>,
    base: i64,
    ops: Vec<EditOp>,
    message: String,
) -> Res<Published> {
    let pool = state.pool().await?;
    Ok(edit::apply(&pool, base, &ops, &state.meta(&message)).await?)
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn preview_rollback(state: State<'_, AppState>, to: i64) -> Res<RollbackOutcome> {
    let pool = state.pool().await?;
    Ok(rollback::rollback(&pool, to, true, &state.meta("preview")).await?)
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn rollback(
    state: State<'_, AppState>,
    to: i64,
    message: String,
) -> Res<RollbackOutcome> {
    let pool = state.pool().await?;
    Ok(rollback::rollback(&pool, to, false, &state.meta(&message)).await?)
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn audit_log(
    state: State<'_, AppState>,
    actor: Option<String>,
    action: Option<String>,
    limit: i64,
) -> Res<Vec<AuditEntry>> {
    let pool = state.pool().await?;
    let mut conn = pool.acquire().await.map_err(dtrag::Error::from)?;
    let filter = AuditFilter {
        actor: actor.filter(|a| !a.is_empty()),
        action: action.filter(|a| !a.is_empty()),
        since: None,
        limit,
    };
    Ok(audit::list(&mut conn, &filter).await?)
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn import_taxonomy(
    state: State<'_, AppState>,
    path: String,
    message: String,
) -> Res<Published> {
    let pool = state.pool().await?;
    let file_path = std::path::PathBuf::from(&path);
    // Parsing 80k lines takes a second: keep it off the async workers.
    let parsed = tauri::async_runtime::spawn_blocking(move || import::read_file(&file_path))
        .await
        .map_err(|e| CommandError::new("io", e.to_string()))??;
    Ok(import::import(&pool, parsed, &state.meta(&message), &path).await?)
}

#[tauri::command]
#[tracing::instrument(
    skip(state, request),
    fields(mode = ?request.mode, k = request.k, under = request.under.len()),
    err(Debug)
)]
pub async fn search(state: State<'_, AppState>, request: SearchRequest) -> Res<SearchResult> {
    let pool = state.pool().await?;
    // The library embeds the query on spawn_blocking. The embedders are the app's, so the local
    // model loads once per run: on the first vector/hybrid search, which takes about a second
    // (`search::run` asks the cache for the embedder on the async side, before spawn_blocking).
    Ok(search::run(&pool, &request, &state.embedders).await?)
}

#[tauri::command]
#[tracing::instrument(skip_all, err(Debug))]
pub async fn embedding_models(state: State<'_, AppState>) -> Res<Vec<Model>> {
    let pool = state.pool().await?;
    let mut conn = pool.acquire().await.map_err(dtrag::Error::from)?;
    Ok(store::list(&mut conn).await?)
}
