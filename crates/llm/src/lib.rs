//! Chat endpoints for answers: an OpenAI-compatible `/v1/chat/completions` client (blocking,
//! [`ureq`], like the embeddings client) and the API keys of the endpoints (the OS keyring, or
//! an override the edge reads from `DTRAG_LLM_API_KEY`). No database: the catalog of endpoints
//! lives in dtrag-core.

mod client;
mod keys;

pub use client::{Answer, ChatClient, Endpoint, Message, Usage};
pub use keys::{api_key, delete_api_key, store_api_key, API_KEY_ENV, KEYRING_SERVICE};

/// What can go wrong talking to a chat endpoint.
#[derive(Debug, thiserror::Error)]
pub enum ChatError {
    #[error("the chat endpoint refused the API key (HTTP {status}): {message}")]
    BadKey { status: u16, message: String },

    #[error("the chat endpoint failed after {attempts} attempts: {message}")]
    Endpoint { attempts: u32, message: String },

    #[error(
        "the chat endpoint answered with something that is not an OpenAI chat completion: {0} \
         (check that the base URL points to an OpenAI-compatible server)"
    )]
    BadResponse(String),

    #[error("no API key for chat endpoint {0}: store one with `dtrag llm key {0}` or set DTRAG_LLM_API_KEY")]
    NoKey(String),

    #[error(
        "the OS keyring is not usable for the API key of {endpoint}: {detail} (on a headless \
         machine, set DTRAG_LLM_API_KEY instead)"
    )]
    Keyring { endpoint: String, detail: String },
}
