//! Chat endpoints for answers: register, list, remove, and their API keys in the OS keyring.

use dtrag_core::llm;
use dtrag_core::{Error, Result};

use crate::types::{LlmEndpoint, NewLlm};
use crate::Handle;

pub async fn add(h: &Handle, new: &NewLlm) -> Result<LlmEndpoint> {
    llm::add(h.pool(), new, h.author()).await
}

pub async fn list(h: &Handle) -> Result<Vec<LlmEndpoint>> {
    llm::list(h.pool()).await
}

/// Removes an endpoint and its stored key.
pub async fn remove(h: &Handle, name: &str) -> Result<LlmEndpoint> {
    let e = llm::remove(h.pool(), name, h.author()).await?;
    // The endpoint is gone already; a keyring that cannot be reached is reported, not undone.
    if let Err(err) = dtrag_llm::delete_api_key(name) {
        tracing::warn!(endpoint = name, error = %err, "could not delete the API key");
    }
    Ok(e)
}

/// Stores the API key of an endpoint in the OS keyring.
pub async fn store_key(h: &Handle, name: &str, key: &str) -> Result<()> {
    let mut conn = h.pool().acquire().await?;
    llm::get(&mut conn, Some(name)).await?;
    dtrag_llm::store_api_key(name, key).map_err(Error::from)
}
