//! API keys of chat endpoints: an override from the edge, else the OS keyring.

use crate::ChatError;

/// Environment variable the edge reads for an override of the keyring (headless runs, CI).
pub const API_KEY_ENV: &str = "DTRAG_LLM_API_KEY";

/// Keyring service under which chat keys are stored (the user is the endpoint's name).
pub const KEYRING_SERVICE: &str = "dtrag-studio-llm";

/// The key of `endpoint`: `override_key` when given and not empty, else the keyring's.
pub fn api_key(endpoint: &str, override_key: Option<&str>) -> Result<String, ChatError> {
    if let Some(k) = override_key.map(str::trim).filter(|k| !k.is_empty()) {
        return Ok(k.to_string());
    }
    match entry(endpoint)?.get_password() {
        Ok(k) if !k.trim().is_empty() => Ok(k.trim().to_string()),
        Ok(_) | Err(keyring::Error::NoEntry) => Err(ChatError::NoKey(endpoint.to_string())),
        Err(e) => Err(keyring_error(endpoint, e)),
    }
}

pub fn store_api_key(endpoint: &str, key: &str) -> Result<(), ChatError> {
    let key = key.trim();
    if key.is_empty() {
        return Err(ChatError::NoKey(endpoint.to_string()));
    }
    entry(endpoint)?
        .set_password(key)
        .map_err(|e| keyring_error(endpoint, e))
}

pub fn delete_api_key(endpoint: &str) -> Result<(), ChatError> {
    match entry(endpoint)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(keyring_error(endpoint, e)),
    }
}

fn entry(endpoint: &str) -> Result<keyring::Entry, ChatError> {
    keyring::Entry::new(KEYRING_SERVICE, endpoint).map_err(|e| keyring_error(endpoint, e))
}

fn keyring_error(endpoint: &str, e: keyring::Error) -> ChatError {
    ChatError::Keyring {
        endpoint: endpoint.to_string(),
        detail: e.to_string(),
    }
}
