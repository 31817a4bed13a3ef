//! One module per command group: its clap types and a `run` that calls the API and prints.

pub mod agents;
pub mod ask;
pub mod audit;
pub mod bench;
pub mod db;
pub mod documents;
pub mod eval;
pub mod models;
pub mod review;
pub mod search;
pub mod taxonomy;

/// An API key read from standard input (prompted for on a terminal), trimmed; empty is refused.
pub fn read_key(name: &str) -> anyhow::Result<String> {
    use std::io::{IsTerminal, Read, Write};
    if std::io::stdin().is_terminal() {
        eprint!("API key for {name} (input is read until end of line): ");
        let _ = std::io::stderr().flush();
    }
    let mut key = String::new();
    anyhow::Context::context(
        std::io::stdin().read_to_string(&mut key),
        "reading the key from standard input",
    )?;
    let key = key.trim();
    if key.is_empty() {
        anyhow::bail!("no key given on standard input");
    }
    Ok(key.to_string())
}

/// The report of a key stored by `models key` or `llm key`.
pub fn key_stored(out: &crate::output::Out, name: &str) {
    out.value(&serde_json::json!({ "stored": name }), || {
        format!("stored the API key of {name} in the OS keyring")
    });
}
