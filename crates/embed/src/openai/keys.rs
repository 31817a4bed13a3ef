//! API keys: from the environment override or the OS keyring, stored and removed per model.

use crate::EmbedError;

/// Environment variable that, when set and not empty, overrides the keyring for the API key.
pub const API_KEY_ENV: &str = "DTRAG_EMBEDDINGS_API_KEY";

/// Keyring service under which API keys are stored (the user is the model's name).
pub const KEYRING_SERVICE: &str = "dtrag-studio-embeddings";

/// The API key of `model_name`: `from_environment` when given and not empty (the edge reads
/// `DTRAG_EMBEDDINGS_API_KEY` for headless runs and CI), else the OS keyring entry (service
/// [`KEYRING_SERVICE`], user `model_name`). [`EmbedError::NoKey`] when there is none;
/// [`EmbedError::Keyring`] when the keyring cannot be used (e.g. no secret service running).
pub fn api_key(model_name: &str, from_environment: Option<&str>) -> Result<String, EmbedError> {
    if let Some(key) = from_environment.map(str::trim).filter(|k| !k.is_empty()) {
        return Ok(key.to_string());
    }
    match keyring_entry(model_name)?.get_password() {
        Ok(key) if !key.trim().is_empty() => Ok(key.trim().to_string()),
        Ok(_) | Err(keyring::Error::NoEntry) => Err(EmbedError::NoKey(model_name.to_string())),
        Err(e) => Err(keyring_error(model_name, e)),
    }
}

/// Stores (or replaces) the API key of `model_name` in the OS keyring.
pub fn store_api_key(model_name: &str, key: &str) -> Result<(), EmbedError> {
    let key = key.trim();
    if key.is_empty() {
        return Err(EmbedError::NoKey(model_name.to_string()));
    }
    keyring_entry(model_name)?
        .set_password(key)
        .map_err(|e| keyring_error(model_name, e))
}

/// Removes the API key of `model_name` from the OS keyring (no error if there was none).
pub fn delete_api_key(model_name: &str) -> Result<(), EmbedError> {
    match keyring_entry(model_name)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(keyring_error(model_name, e)),
    }
}

fn keyring_entry(model_name: &str) -> Result<keyring::Entry, EmbedError> {
    keyring::Entry::new(KEYRING_SERVICE, model_name).map_err(|e| keyring_error(model_name, e))
}

fn keyring_error(model_name: &str, e: keyring::Error) -> EmbedError {
    EmbedError::Keyring {
        model: model_name.to_string(),
        detail: e.to_string(),
    }
}
