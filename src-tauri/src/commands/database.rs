//! Backups and restores of the connected database: each makes one `dtrag_api::backup` call on the
//! connection the app has open, with progress (tables) through a channel.

use dtrag_api::backup;
use dtrag_api::progress::Progress;
use dtrag_api::types::{BackupReport, RestoreReport};
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
