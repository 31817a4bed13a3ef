//! The agent commands: each looks up the open handle and makes one `dtrag_api::agents` call.
//! Changes are made in the app's author's name (the handle's), so no request names one.

use dtrag_api::agents::{
    self, AgentNameRequest, Credentials, CredentialsRequest, UpdateAgentRequest,
};
use dtrag_api::types::{Agent, AgentSearch, NewAgent, SearchResult, SelfCheck};
use tauri::State;

use super::Res;
use crate::state::AppState;

#[tauri::command]
#[tracing::instrument(skip_all, err(Debug))]
pub async fn agents_list(state: State<'_, AppState>) -> Res<Vec<Agent>> {
    Ok(agents::list(&state.handle().await?).await?)
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn agents_show(state: State<'_, AppState>, request: AgentNameRequest) -> Res<Agent> {
    Ok(agents::show(&state.handle().await?, &request.name).await?)
}

#[tauri::command]
#[tracing::instrument(
    skip(state, request),
    fields(name = %request.name, categories = request.categories.len()),
    err(Debug)
)]
pub async fn agents_create(state: State<'_, AppState>, request: NewAgent) -> Res<Agent> {
    Ok(agents::create(&state.handle().await?, &request).await?)
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn agents_update(state: State<'_, AppState>, request: UpdateAgentRequest) -> Res<Agent> {
    Ok(agents::update(&state.handle().await?, &request.name, &request.change).await?)
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn agents_remove(state: State<'_, AppState>, request: AgentNameRequest) -> Res<Agent> {
    Ok(agents::remove(&state.handle().await?, &request.name).await?)
}

/// A search as the agent: exactly the hits PostgreSQL lets its role see.
#[tauri::command]
#[tracing::instrument(
    skip(state, request),
    fields(agent = %request.agent, mode = ?request.mode, k = ?request.k),
    err(Debug)
)]
pub async fn agents_search(state: State<'_, AppState>, request: AgentSearch) -> Res<SearchResult> {
    Ok(agents::search(&state.handle().await?, &request).await?)
}

/// The leak self-check: probes run as the agent's role (rolled back).
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn agents_check(state: State<'_, AppState>, request: AgentNameRequest) -> Res<SelfCheck> {
    Ok(agents::self_check(&state.handle().await?, &request.name).await?)
}

/// Issues (or with `revoke` takes away) the agent's login. The returned URL carries the password:
/// it is not logged.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn agents_credentials(
    state: State<'_, AppState>,
    request: CredentialsRequest,
) -> Res<Credentials> {
    Ok(agents::credentials(&state.handle().await?, &request.name, request.revoke).await?)
}
