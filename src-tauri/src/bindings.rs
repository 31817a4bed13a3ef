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
    use dtrag_api::types as t;
    use dtrag_api::{agents, audit, eval, limits, progress, review, taxonomy};
    let mut decls = declarations!(
        &cfg,
        serde_json::Value,
        t::VersionKind,
        t::Version,
        t::NodeRecord,
        t::NodeSummary,
        t::NodeDetails,
        t::FindHit,
        t::Summary,
        t::NodeEntry,
        t::Renamed,
        t::Moved,
        t::EditedFields,
        t::DiffSpan,
        t::Edited,
        t::Diff,
        t::PublishStats,
        t::ScopeChange,
        t::Probe,
        t::SelfCheck,
        t::Published,
        t::RollbackOutcome,
        t::Extra,
        t::ExtraObject,
        t::DeprecatedChange,
        t::Unplaced,
        t::Deprecated,
        t::ImportReport,
        taxonomy::Imported,
        taxonomy::ImportPreview,
        taxonomy::FileFormat,
        t::Check,
        t::Finding,
        t::QualityReport,
        t::AuditEntry,
        t::EditOp,
        t::Mode,
        t::Weights,
        t::Bm25Params,
        t::SearchRequest,
        t::Fragment,
        t::FusionMethod,
        t::Fusion,
        t::FusionReport,
        t::Bm25Signal,
        t::VectorSignal,
        t::Hit,
        t::Timings,
        t::SearchResult,
        t::GoldenSetSummary,
        t::QueryScore,
        t::ModeReport,
        t::EvalOptions,
        t::EvalReport,
        eval::GoldenSource,
        eval::EvalRequest,
        eval::LastEvalRequest,
        t::Provider,
        t::HnswSettings,
        t::Model,
        t::KnnPlan,
        t::ImpactEntry,
        t::ClassificationImpact,
        t::DocumentSet,
        t::CurvePoint,
        t::ClassifyOutcome,
        t::Reason,
        t::ReviewSuggestion,
        t::ReviewItem,
        t::ReviewOrder,
        t::ReviewFilter,
        t::ReviewPage,
        t::Decision,
        t::DecisionOutcome,
        t::RecentDecision,
        t::Undone,
        t::BulkOutcome,
        t::ReasonCount,
        t::RunSummary,
        t::ReviewStats,
        t::CategoryCounts,
        t::AgentSettings,
        t::ScopeSize,
        t::Agent,
        t::NewAgent,
        t::AgentChange,
        t::AgentSearch,
        agents::Credentials,
        progress::Progress,
        taxonomy::VersionRequest,
        taxonomy::NodeRequest,
        taxonomy::FindRequest,
        taxonomy::DiffRequest,
        taxonomy::EditRequest,
        taxonomy::RollbackRequest,
        taxonomy::ImportRequest,
        taxonomy::CheckRequest,
        audit::AuditRequest,
        review::ClassifyRequest,
        review::QueueRequest,
        review::ItemRequest,
        review::DecideRequest,
        review::UndoRequest,
        review::BulkRequest,
        review::CountsRequest,
        agents::AgentNameRequest,
        agents::UpdateAgentRequest,
        agents::CredentialsRequest,
        limits::Limits,
        crate::connection::ConnectionState,
        crate::connection::ConnectionKind,
        crate::connection::ConnectionStatus,
        crate::connection::ConnectRequest,
        t::Manifest,
        t::BackupReport,
        t::RestoreReport,
        crate::commands::database::BackupRequest,
        crate::commands::database::RestoreRequest,
        crate::commands::database::HealthRequest,
        t::BackupRecord,
        t::Health,
        t::Server,
        t::Extension,
        t::Setting,
        t::Connections,
        t::StateCount,
        t::DatabaseSize,
        t::VectorIndex,
        t::TableHealth,
        t::StatementStats,
        t::StatementsStatus,
        t::Statement,
        t::Warning,
        dtrag_api::ErrorKind,
        dtrag_api::CommandError,
    );
    // The command names, so the UI's `call` cannot name a command that does not exist.
    let names: Vec<String> = crate::command_list::COMMANDS
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect();
    decls.push(format!("export type CommandName = {};", names.join(" | ")));
    // The limits as a value, not only a type: compile-time constants of the library.
    let limits = serde_json::to_string(&limits::limits()).unwrap_or_else(|_| "{}".into());
    decls.push(format!(
        "/** The library's limits (dtrag_core::limits). */\nexport const LIMITS: Limits = {limits};"
    ));
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
        assert!(ts.contains("export type ErrorKind = \"not_found\" | \"invalid_input\""));
        assert!(ts.contains("export type CommandName = \"connection_status\" | "));
        assert!(ts.contains("export const LIMITS: Limits = {\"search_k_max\":1000,"));
    }
}
