//! What the library needs to know from outside, gathered by the edge. The rules for turning an
//! environment into a [`Config`] live here, once, for both faces; the edge passes its variables in
//! ([`Config::from_environment`] takes a lookup), so nothing in the library reads them itself.

use std::path::{Path, PathBuf};

use dtrag_core::db::embedded::default_data_dir;
use dtrag_core::models::EmbedderConfig;

/// Who publishes when nobody said: a version's author must be someone.
pub const UNKNOWN_AUTHOR: &str = "unknown";

#[derive(Debug, Clone)]
pub struct Config {
    /// The embedded database's data directory (also where the app keeps its logs).
    pub data_dir: PathBuf,
    /// The folder holding local embedding models (`<models_dir>/all-MiniLM-L6-v2`).
    pub models_dir: PathBuf,
    /// Who publishes: recorded on versions and in the audit log.
    pub author: String,
    /// An API key for endpoint embedding models that overrides the keyring (headless, CI).
    pub embeddings_api_key: Option<String>,
    /// An API key for chat endpoints (`dtrag ask`) that overrides the keyring (headless, CI).
    pub llm_api_key: Option<String>,
    /// The PostgreSQL server binaries for the embedded cluster (default: the newest installed).
    pub pg_bindir: Option<PathBuf>,
}

impl Config {
    /// The configuration an environment describes: `DTRAG_DATA_DIR`, `DTRAG_MODELS_DIR`,
    /// `DTRAG_AUTHOR` (else `USER`, else `LOGNAME`), `DTRAG_EMBEDDINGS_API_KEY`, `DTRAG_LLM_API_KEY`,
    /// `DTRAG_PG_BINDIR`. `exe` is the running program, whose build folder holds the models the
    /// project's setup fetched (`target/dtrag-data/models` beside `target/debug/`).
    pub fn from_environment(lookup: impl Fn(&str) -> Option<String>, exe: Option<&Path>) -> Self {
        let var = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let data_dir = var("DTRAG_DATA_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(default_data_dir);
        let models_dir = var("DTRAG_MODELS_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| default_models_dir(&data_dir, exe));
        Config {
            author: author(
                var("DTRAG_AUTHOR")
                    .or_else(|| var("USER"))
                    .or_else(|| var("LOGNAME")),
            ),
            embeddings_api_key: var(dtrag_embed::openai::API_KEY_ENV),
            llm_api_key: var(dtrag_llm::API_KEY_ENV),
            pg_bindir: var("DTRAG_PG_BINDIR").map(PathBuf::from),
            data_dir,
            models_dir,
        }
    }

    /// The same configuration with another author (a `--author` flag).
    pub fn with_author(mut self, author: Option<String>) -> Self {
        if let Some(a) = author.filter(|a| !a.trim().is_empty()) {
            self.author = a;
        }
        self
    }

    pub(crate) fn embedders(&self) -> EmbedderConfig {
        EmbedderConfig {
            models_dir: self.models_dir.clone(),
            api_key_override: self.embeddings_api_key.clone(),
        }
    }
}

/// The author rule: the name given, else [`UNKNOWN_AUTHOR`].
pub fn author(given: Option<String>) -> String {
    given
        .map(|a| a.trim().to_string())
        .filter(|a| !a.is_empty())
        .unwrap_or_else(|| UNKNOWN_AUTHOR.to_string())
}

/// Where models are when nobody said: `<data dir>/models` when it holds any, else the copy the
/// project's setup script fetched into the build folder of the running program
/// (`<target>/dtrag-data/models` for `<target>/debug/dtrag`), else `<data dir>/models`.
fn default_models_dir(data_dir: &Path, exe: Option<&Path>) -> PathBuf {
    let own = data_dir.join("models");
    if own.is_dir() {
        return own;
    }
    let beside_build = exe
        .and_then(Path::parent) // target/debug (or target/debug/deps for tests)
        .into_iter()
        .flat_map(Path::ancestors)
        .take(3)
        .map(|d| d.join("dtrag-data").join("models"))
        .find(|d| d.is_dir());
    beside_build.unwrap_or(own)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn the_author_is_who_the_environment_names_or_unknown() {
        let c = Config::from_environment(env(&[("USER", "ann"), ("DTRAG_AUTHOR", " ")]), None);
        assert_eq!(c.author, "ann");
        let c = Config::from_environment(env(&[("DTRAG_AUTHOR", "bob"), ("USER", "ann")]), None);
        assert_eq!(c.author, "bob");
        let c = Config::from_environment(env(&[]), None);
        assert_eq!(c.author, UNKNOWN_AUTHOR);
        assert_eq!(c.with_author(Some("cli".into())).author, "cli");
    }

    #[test]
    fn folders_come_from_the_environment_first() {
        let c = Config::from_environment(
            env(&[("DTRAG_DATA_DIR", "/d"), ("DTRAG_MODELS_DIR", "/m")]),
            None,
        );
        assert_eq!(c.data_dir, PathBuf::from("/d"));
        assert_eq!(c.models_dir, PathBuf::from("/m"));
        let c = Config::from_environment(env(&[("DTRAG_DATA_DIR", "/nonexistent-d")]), None);
        assert_eq!(c.models_dir, PathBuf::from("/nonexistent-d/models"));
    }
}
