//! The classification and review-queue commands: each looks up the open handle and makes one
//! `dtrag_api::review` call. The reviewer is always the app's author (the handle's), so no
//! request names one.

use dtrag_api::progress::Progress;
use dtrag_api::review::{
    self, BulkRequest, ClassifyRequest, CountsRequest, DecideRequest, ItemRequest, QueueRequest,
    UndoRequest,
};
use dtrag_api::types::{
    BulkOutcome, CategoryCounts, ClassifyOutcome, DecisionOutcome, RecentDecision, ReviewItem,
    ReviewPage, ReviewStats, Undone,
};
use tauri::ipc::Channel;
use tauri::State;

use super::Res;
use crate::state::AppState;

/// Runs the classifier; its stages stream through `progress` (a channel, not a window event, so
/// the capability needs no event permission and only the caller hears them).
#[tauri::command]
#[tracing::instrument(skip(state, progress), err(Debug))]
pub async fn classify(
    state: State<'_, AppState>,
    request: ClassifyRequest,
    progress: Channel<Progress>,
) -> Res<ClassifyOutcome> {
    Ok(review::classify(&state.handle().await?, request, &mut |p| {
        // A window that went away does not stop the run.
        let _ = progress.send(p);
    })
    .await?)
}

#[tauri::command]
#[tracing::instrument(skip_all, err(Debug))]
pub async fn review_stats(state: State<'_, AppState>) -> Res<ReviewStats> {
    Ok(review::stats(&state.handle().await?).await?)
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn review_list(state: State<'_, AppState>, request: QueueRequest) -> Res<ReviewPage> {
    Ok(review::list(&state.handle().await?, request).await?)
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn review_next(state: State<'_, AppState>, request: QueueRequest) -> Res<ReviewPage> {
    Ok(review::next(&state.handle().await?, request).await?)
}

#[tauri::command]
#[tracing::instrument(skip_all, err(Debug))]
pub async fn review_release(state: State<'_, AppState>) -> Res<u64> {
    Ok(review::release(&state.handle().await?).await?)
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn review_item(state: State<'_, AppState>, request: ItemRequest) -> Res<ReviewItem> {
    Ok(review::item(&state.handle().await?, request).await?)
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn review_decide(
    state: State<'_, AppState>,
    request: DecideRequest,
) -> Res<DecisionOutcome> {
    Ok(review::decide(&state.handle().await?, request).await?)
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn review_skip(state: State<'_, AppState>, request: ItemRequest) -> Res<()> {
    Ok(review::skip(&state.handle().await?, request).await?)
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn review_undo(state: State<'_, AppState>, request: UndoRequest) -> Res<Undone> {
    Ok(review::undo(&state.handle().await?, request).await?)
}

#[tauri::command]
#[tracing::instrument(skip_all, err(Debug))]
pub async fn review_recent(state: State<'_, AppState>) -> Res<Vec<RecentDecision>> {
    Ok(review::recent(&state.handle().await?).await?)
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn review_bulk_accept(
    state: State<'_, AppState>,
    request: BulkRequest,
) -> Res<BulkOutcome> {
    Ok(review::bulk_accept(&state.handle().await?, request).await?)
}

#[tauri::command]
#[tracing::instrument(skip(state, request), fields(keys = request.keys.len()), err(Debug))]
pub async fn category_counts(
    state: State<'_, AppState>,
    request: CountsRequest,
) -> Res<Vec<CategoryCounts>> {
    Ok(review::category_counts(&state.handle().await?, request).await?)
}
