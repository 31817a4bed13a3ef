//! Agents: named retrieval profiles limited to chosen categories, each with its own PostgreSQL
//! role, so the database itself — row-level security over a materialised scope — keeps every
//! client of that role inside the agent's documents.
//!
//! - [`store`]: the definitions (create, list, show, update, remove), audited.
//! - [`roles`]: the group role, the agents' roles and their logins.
//! - [`scope`]: the materialised scope (`agent_node`, `agent_document`) and its upkeep; the
//!   classification triggers keep it for decisions, [`scope::on_publish`] for publishes.
//! - [`search`]: a search run as the agent's role.

pub mod ask;
pub mod check;
pub mod roles;
pub mod scope;
pub mod search;
pub mod store;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::search::{Fusion, Mode, SearchRequest, Weights};

pub use store::{create, credentials, get, list, remove, update};

/// An agent's retrieval defaults: what `dtrag search --agent` uses unless told otherwise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AgentSettings {
    pub mode: Mode,
    pub k: usize,
    pub weights: Weights,
    /// Embedding model name (default: the default model at search time).
    pub model: Option<String>,
    /// Hybrid fusion (`dtrag eval search --tune --agent` sets it; default: the model's tuning, or
    /// the built-in default).
    #[cfg_attr(feature = "ts", ts(optional))]
    pub fusion: Option<Fusion>,
}

impl Default for AgentSettings {
    fn default() -> Self {
        AgentSettings {
            mode: Mode::Hybrid,
            k: 10,
            weights: Weights::default(),
            model: None,
            fusion: None,
        }
    }
}

/// An agent as the faces show it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Agent {
    pub name: String,
    pub description: String,
    /// The allowed categories (keys), sorted.
    pub categories: Vec<String>,
    /// The taxonomy version the scope is pinned to; `None`: it follows the head.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub pinned_version: Option<i64>,
    pub settings: AgentSettings,
    /// The PostgreSQL role the agent's searches run as.
    pub role: String,
    /// Whether the role can log in (credentials issued).
    pub can_login: bool,
    pub scope: ScopeSize,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// How much the scope holds right now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ScopeSize {
    /// Category nodes: the allowed ones and their descendants at the agent's version.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub nodes: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub documents: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub chunks: i64,
}

/// A new agent.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NewAgent {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Category keys at the agent's version; at least one.
    pub categories: Vec<String>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub pinned_version: Option<i64>,
    #[serde(default)]
    pub settings: AgentSettings,
}

/// What to change about an agent; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AgentChange {
    pub description: Option<String>,
    /// The new full set of allowed categories.
    pub categories: Option<Vec<String>>,
    /// `Some(None)`: follow the head again; `Some(Some(v))`: pin to v.
    #[serde(default, with = "double_option")]
    #[cfg_attr(feature = "ts", ts(type = "number | null | undefined"))]
    pub pinned_version: Option<Option<i64>>,
    pub settings: Option<AgentSettings>,
}

/// `null` and absent mean different things for `pinned_version`.
mod double_option {
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<i64>>, D::Error> {
        Option::<i64>::deserialize(d).map(Some)
    }
}

/// The rule for agent names (also a CHECK in the table): what scripts and URLs can carry.
pub fn check_name(name: &str) -> Result<()> {
    crate::limits::check_plain_name("agent name", name, 63)
}

impl AgentSettings {
    /// A search request with these settings: the agent's searches start from it, and its
    /// checks are the settings' checks (one rule for k and the weights).
    pub fn request(&self, query: &str) -> SearchRequest {
        SearchRequest {
            query: query.to_string(),
            mode: self.mode,
            k: self.k,
            weights: self.weights,
            fusion: self.fusion,
            model: self.model.clone(),
            ..SearchRequest::default()
        }
    }
}

fn check_settings(s: &AgentSettings) -> Result<()> {
    s.request("").check()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_scripts_can_carry() {
        for ok in ["support", "a", "Team-2.bot_x", &"x".repeat(63)] {
            assert!(check_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "-lead",
            "a b",
            "agent;drop",
            "é",
            &"x".repeat(64),
            "a'b",
        ] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn settings_are_checked() {
        assert!(check_settings(&AgentSettings::default()).is_ok());
        let bad_k = AgentSettings {
            k: 0,
            ..AgentSettings::default()
        };
        assert!(check_settings(&bad_k).is_err());
        let bad_w = AgentSettings {
            weights: Weights {
                bm25: f64::NAN,
                vector: 1.0,
            },
            ..AgentSettings::default()
        };
        assert!(check_settings(&bad_w).is_err());
    }
}
