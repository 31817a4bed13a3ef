//! The connected database itself: backups and restores (one `dtrag_api::backup` call each, with
//! progress through a channel) and its health report (`dtrag_api::database::health`).

use dtrag_api::progress::Progress;
use dtrag_api::types::{BackupReport, Health, RestoreReport};
use dtrag_api::{backup, database};
use serde::Deserialize;
use tauri::ipc::Channel;
use tauri::State;
use ts_rs::TS;

use super::Res;
use crate::state::AppState;

#[derive(Debug, Clone, Deserialize, TS)]
pub struct BackupRequest {
    /// Where to write the dump (default: the data directory's `backups/`).
    pub file: Option<String>,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct RestoreRequest {
    pub file: String,
    /// A new database on the same server to restore into (the connected one must be empty).
    pub into: Option<String>,
}

#[tauri::command]
#[tracing::instrument(skip(state, progress), err(Debug))]
pub async fn backup_database(
    state: State<'_, AppState>,
    request: BackupRequest,
    progress: Channel<Progress>,
) -> Res<BackupReport> {
    let target = state.target().await?;
    let file = request
        .file
        .filter(|f| !f.trim().is_empty())
        .map(Into::into);
    Ok(backup::backup(&target, &state.config, file, &mut |p| {
        let _ = progress.send(p);
    })
    .await?)
}

#[tauri::command]
#[tracing::instrument(skip(state, progress), err(Debug))]
pub async fn restore_database(
    state: State<'_, AppState>,
    request: RestoreRequest,
    progress: Channel<Progress>,
) -> Res<RestoreReport> {
    let target = state.target().await?;
    let into = request.into.filter(|n| !n.trim().is_empty());
    Ok(backup::restore(
        &target,
        &state.config,
        std::path::Path::new(&request.file),
        into.as_deref(),
        &mut |p| {
            let _ = progress.send(p);
        },
    )
    .await?)
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct HealthRequest {
    /// How many of the slowest statements to list (default 10, at most 100).
    pub statements: Option<u32>,
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn database_health(state: State<'_, AppState>, request: HealthRequest) -> Res<Health> {
    Ok(database::health(&state.handle().await?, request.statements).await?)
}
