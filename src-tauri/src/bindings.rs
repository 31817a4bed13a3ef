//! TypeScript declarations of every type that crosses the IPC boundary, generated from the Rust
//! definitions (ts-rs) into `ui/src/bindings.ts`. The test below fails when that file is stale;
//! `UPDATE_BINDINGS=1 cargo test -p dtrag-studio bindings` rewrites it.

use ts_rs::{Config, TS};

macro_rules! declarations {
    ($cfg:expr, $($t:ty),* $(,)?) => {
        vec![$(format!("export {}", <$t as TS>::decl($cfg))),*]
    };
}

/// The whole generated file.
pub fn typescript() -> String {
    // serde_json writes i64 as a JSON number; versions, ids and counts stay far below 2^53.
    let cfg = Config::new().with_large_int("number");
    use dtrag::embed::store;
    use dtrag::search;
    use dtrag::taxonomy::{diff, edit, publish, read, rollback};
    let decls = declarations!(
        &cfg,
        serde_json::Value,
        dtrag::taxonomy::VersionKind,
        dtrag::taxonomy::Version,
        dtrag::taxonomy::NodeRecord,
        read::NodeSummary,
        read::NodeDetails,
        read::FindHit,
        diff::Summary,
        diff::NodeEntry,
        diff::Renamed,
        diff::Moved,
        diff::EditedFields,
        diff::DiffSpan,
        diff::Edited,
        diff::Diff,
        publish::PublishStats,
        publish::Published,
        rollback::RollbackOutcome,
        dtrag::audit::AuditEntry,
        edit::EditOp,
        search::Mode,
        search::Weights,
        search::Bm25Params,
        search::SearchRequest,
        search::Fragment,
        search::Bm25Signal,
        search::VectorSignal,
        search::Hit,
        search::Timings,
        search::SearchResult,
        store::Provider,
        store::HnswSettings,
        store::Model,
        store::KnnPlan,
        crate::connection::ConnectionStatus,
        crate::connection::ConnectRequest,
        crate::error::CommandError,
    );
    format!(
        "// Generated from the Rust types by src-tauri/src/bindings.rs (ts-rs). Do not edit.\n\n{}\n",
        decls.join("\n\n")
    )
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    #[test]
    fn bindings_are_fresh() {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts");
        let want = super::typescript();
        if std::env::var("UPDATE_BINDINGS").is_ok_and(|v| v == "1") {
            std::fs::write(&path, &want).expect("write ui/src/bindings.ts");
            return;
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "ui/src/bindings.ts is stale: run `UPDATE_BINDINGS=1 cargo test -p dtrag-studio bindings`"
        );
    }

    #[test]
    fn no_bigint_crosses_the_boundary() {
        let ts = super::typescript();
        assert!(!ts.contains("bigint"), "{ts}");
        assert!(ts.contains("export type EditOp ="));
        assert!(ts.contains("\"op\": \"rename\""));
    }
}
