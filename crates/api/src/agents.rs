//! Agents: definitions limited to categories, each with a PostgreSQL role that row-level
//! security confines to the agent's documents; searches run as that role. Changes are made in
//! the handle author's name.

use serde::Deserialize;

use dtrag_core::agents;
use dtrag_core::Result;

use crate::types::{
    Agent, AgentChange, AgentSearch, AskAnswer, AskRequest, NewAgent, SearchResult, SelfCheck,
};
use crate::Handle;

/// One agent, by name (`show`, `remove`).
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AgentNameRequest {
    pub name: String,
}

/// A change to the agent `name`.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UpdateAgentRequest {
    pub name: String,
    pub change: AgentChange,
}

/// Issue a login for the agent `name`, or take it away (`revoke`).
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CredentialsRequest {
    pub name: String,
    #[serde(default)]
    pub revoke: bool,
}

pub async fn create(h: &Handle, new: &NewAgent) -> Result<Agent> {
    agents::create(h.pool(), new, h.author()).await
}

pub async fn list(h: &Handle) -> Result<Vec<Agent>> {
    agents::list(h.pool()).await
}

pub async fn show(h: &Handle, name: &str) -> Result<Agent> {
    agents::get(h.pool(), name).await
}

pub async fn update(h: &Handle, name: &str, change: &AgentChange) -> Result<Agent> {
    agents::update(h.pool(), name, change, h.author()).await
}

pub async fn remove(h: &Handle, name: &str) -> Result<Agent> {
    agents::remove(h.pool(), name, h.author()).await
}

/// A search as the agent: retrieval under its role, so PostgreSQL admits only its scope.
pub async fn search(h: &Handle, req: &AgentSearch) -> Result<SearchResult> {
    agents::search::run(h.pool(), req, h.embedders()).await
}

/// Answers a question as the agent: its retrieval, then the chat endpoint, with citations.
pub async fn ask(h: &Handle, req: &AskRequest) -> Result<AskAnswer> {
    dtrag_core::agents::ask::ask(
        h.pool(),
        req,
        h.embedders(),
        h.config().llm_api_key.as_deref(),
    )
    .await
}

/// The leak self-check: probes run as the agent's role (rolled back) that it reads exactly its
/// scope and is refused everything else.
pub async fn self_check(h: &Handle, name: &str) -> Result<SelfCheck> {
    agents::check::run(h.pool(), name).await
}

/// Keyring service under which agents' passwords are kept (the user is `database/agent`).
pub const KEYRING_SERVICE: &str = "dtrag-studio-agents";

/// What `credentials` gives: a URL to connect as the agent, or nothing after a revoke.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Credentials {
    pub agent: String,
    pub role: String,
    /// `postgres://ROLE:PASSWORD@…`: what an external RAG service connects with.
    pub url: Option<String>,
    /// Whether the password is also in the OS keyring (it is not when no keyring is reachable,
    /// as on a headless server; the URL is then the only copy).
    pub in_keyring: bool,
}

fn keyring_user(h: &Handle, agent: &str) -> String {
    let o = h.pool().connect_options();
    format!("{}/{agent}", o.get_database().unwrap_or("postgres"))
}

/// Percent-encodes what a URL's query cannot carry as is (a data directory may hold spaces).
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'.' | b'_' | b'-' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The URL for `role` with `password` on the handle's server.
fn url_for(h: &Handle, role: &str, password: &str) -> String {
    let o = h.pool().connect_options();
    let db = o.get_database().unwrap_or("postgres");
    match o.get_socket() {
        Some(dir) => format!(
            "postgres://{role}:{password}@localhost/{db}?host={}&port={}",
            encode(&dir.to_string_lossy()),
            o.get_port()
        ),
        None => format!(
            "postgres://{role}:{password}@{}:{}/{db}",
            o.get_host(),
            o.get_port()
        ),
    }
}

/// Issues a login for the agent's role with a new password (the old one stops working), kept in
/// the OS keyring; `revoke` takes the login away, ends its sessions and forgets the password.
pub async fn credentials(h: &Handle, name: &str, revoke: bool) -> Result<Credentials> {
    let password = agents::credentials(h.pool(), name, revoke, h.author()).await?;
    let agent = agents::get(h.pool(), name).await?;
    let entry = keyring::Entry::new(KEYRING_SERVICE, &keyring_user(h, name));
    let kept = match (&password, entry) {
        (Some(p), Ok(e)) => e.set_password(p).map_err(|e| e.to_string()),
        (None, Ok(e)) => match e.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(e.to_string()),
        },
        (_, Err(e)) => Err(e.to_string()),
    };
    if let Err(e) = &kept {
        tracing::warn!(agent = name, error = %e, "the OS keyring is not reachable");
    }
    Ok(Credentials {
        url: password.as_deref().map(|p| url_for(h, &agent.role, p)),
        in_keyring: password.is_some() && kept.is_ok(),
        agent: agent.name,
        role: agent.role,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn socket_paths_are_encoded() {
        assert_eq!(super::encode("/tmp/my data/pg"), "/tmp/my%20data/pg");
        assert_eq!(super::encode("/a&b=c"), "/a%26b%3Dc");
    }
}
