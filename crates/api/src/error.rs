//! The error as it crosses to a face: the closed kind to branch on, a message to show as is, and
//! the details some kinds carry. The desktop app returns it from every command; the CLI prints it
//! (`--json`: this shape).

use serde::Serialize;

use dtrag_core::{Error, ErrorKind};

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CommandError {
    pub kind: ErrorKind,
    pub message: String,
    /// For `cycle`: the cycle, child -> parent -> … -> child.
    pub path: Option<Vec<String>>,
    /// For `conflict`: the nodes changed since the draft's base.
    pub keys: Option<Vec<String>>,
}

impl CommandError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        CommandError {
            kind,
            message: message.into(),
            path: None,
            keys: None,
        }
    }
}

impl From<Error> for CommandError {
    fn from(e: Error) -> Self {
        let mut out = CommandError::new(e.kind(), message(&e));
        match e {
            Error::Cycle { path } => out.path = Some(path),
            Error::Conflict { keys, .. } => out.keys = Some(keys),
            _ => {}
        }
        out
    }
}

/// The error's message with each cause that adds something (sqlx's "error communicating with
/// database: Broken pipe" repeats its own source, which must not be printed three times).
pub fn message(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = cause.source();
    }
    out
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CommandError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn library_errors_keep_their_kind_and_details() {
        let cycle = CommandError::from(Error::Cycle {
            path: vec!["a".into(), "b".into(), "a".into()],
        });
        assert_eq!(cycle.kind, ErrorKind::Cycle);
        assert_eq!(
            cycle.path.as_deref(),
            Some(&["a".to_string(), "b".into(), "a".into()][..])
        );
        assert!(cycle.message.contains("a -> b -> a"));

        let conflict = CommandError::from(Error::Conflict {
            base: 1,
            head: 3,
            keys: vec!["tech".into()],
        });
        assert_eq!(conflict.kind, ErrorKind::Conflict);
        assert_eq!(conflict.keys, Some(vec!["tech".to_string()]));
        assert_eq!(
            CommandError::from(Error::NoSuchVersion(9)).kind,
            ErrorKind::NotFound
        );
        let bad = CommandError::from(Error::BadInput {
            file: "x.jsonl".into(),
            line: 3,
            message: "malformed".into(),
        });
        assert_eq!(
            (bad.kind, bad.message.as_str()),
            (ErrorKind::InvalidInput, "x.jsonl:3: malformed")
        );
        let missing = CommandError::from(Error::Embed(dtrag_embed::EmbedError::ModelMissing {
            dir: "/models".into(),
            detail: "config.json".into(),
        }));
        assert_eq!(missing.kind, ErrorKind::Embedding);
        assert!(missing.message.contains("scripts/fetch-model.sh"));
    }

    #[test]
    fn a_cause_is_printed_once() {
        let io = std::io::Error::new(std::io::ErrorKind::BrokenPipe, "Broken pipe (os error 32)");
        let e = Error::from(sqlx::Error::Io(io));
        let text = CommandError::from(e).message;
        assert_eq!(text.matches("Broken pipe").count(), 1, "{text}");
        assert!(text.starts_with("database error:"), "{text}");
    }

    #[test]
    fn kinds_serialise_as_snake_case() {
        let e = CommandError::new(ErrorKind::InvalidInput, "x");
        let json = serde_json::to_value(&e).expect("serialise");
        assert_eq!(json["kind"], "invalid_input");
    }
}
