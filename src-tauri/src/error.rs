//! The error every command returns: a kind the UI can branch on and a message it can show as is.

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS)]
pub struct CommandError {
    /// `cycle`, `conflict`, `not_found`, `invalid`, `bad_input`, `database`, `connection`, `io`,
    /// `embedding` (the model or endpoint behind vector search failed).
    pub kind: String,
    pub message: String,
    /// For `cycle`: the cycle, child -> parent -> … -> child.
    pub path: Option<Vec<String>>,
    /// For `conflict`: the nodes changed since the draft's base.
    pub keys: Option<Vec<String>>,
}

impl CommandError {
    pub fn new(kind: &str, message: impl Into<String>) -> Self {
        CommandError {
            kind: kind.into(),
            message: message.into(),
            path: None,
            keys: None,
        }
    }
}

impl From<dtrag::Error> for CommandError {
    fn from(e: dtrag::Error) -> Self {
        use dtrag::Error as E;
        let message = e.to_string();
        let mut out = CommandError::new("invalid", message);
        match e {
            E::Cycle { path } => {
                out.kind = "cycle".into();
                out.path = Some(path);
            }
            E::Conflict { keys, .. } => {
                out.kind = "conflict".into();
                out.keys = Some(keys);
            }
            E::NoSuchNode { .. } | E::NoSuchVersion(_) => out.kind = "not_found".into(),
            E::BadInput { .. } => out.kind = "bad_input".into(),
            E::Db(_) | E::Migrate(_) => out.kind = "database".into(),
            E::Embedded(_) => out.kind = "connection".into(),
            E::Io { .. } => out.kind = "io".into(),
            E::Embed(_) | E::Search(_) => out.kind = "embedding".into(),
            E::BadEdit { .. } | E::Invalid(_) => {}
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn library_errors_keep_their_kind_and_details() {
        let cycle = CommandError::from(dtrag::Error::Cycle {
            path: vec!["a".into(), "b".into(), "a".into()],
        });
        assert_eq!(cycle.kind, "cycle");
        assert_eq!(
            cycle.path.as_deref(),
            Some(&["a".to_string(), "b".into(), "a".into()][..])
        );
        assert!(cycle.message.contains("a -> b -> a"));

        let conflict = CommandError::from(dtrag::Error::Conflict {
            base: 1,
            head: 3,
            keys: vec!["tech".into()],
        });
        assert_eq!(conflict.kind, "conflict");
        assert_eq!(conflict.keys, Some(vec!["tech".to_string()]));

        assert_eq!(
            CommandError::from(dtrag::Error::NoSuchVersion(9)).kind,
            "not_found"
        );
        let bad = CommandError::from(dtrag::Error::BadInput {
            file: "x.jsonl".into(),
            line: 3,
            message: "malformed".into(),
        });
        assert_eq!(
            (bad.kind.as_str(), bad.message.as_str()),
            ("bad_input", "x.jsonl:3: malformed")
        );
        let missing = CommandError::from(dtrag::Error::Embed(
            dtrag::embed::EmbedError::ModelMissing {
                dir: "/models".into(),
                detail: "config.json".into(),
            },
        ));
        assert_eq!(missing.kind, "embedding");
        assert!(missing.message.contains("scripts/fetch-model.sh"));
    }
}
