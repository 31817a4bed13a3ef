// The app's command names, once: included by build.rs (the permission manifest) and by
// src/command_list.rs (the handler-list, capability, api.ts and docs checks). Plain items only, so
// it compiles in both places.

/// Every command the window may invoke, in the order docs/ipc.md lists them.
pub const COMMANDS: &[&str] = &[
    "connection_status",
    "connect",
    "forget_connection",
    "list_versions",
    "roots",
    "children",
    "node_details",
    "find_nodes",
    "diff_versions",
    "preview_edits",
    "publish_edits",
    "preview_rollback",
    "rollback",
    "audit_log",
    "import_taxonomy",
    "search",
    "embedding_models",
    "classify",
    "review_stats",
    "review_list",
    "review_next",
    "review_release",
    "review_item",
    "review_decide",
    "review_skip",
    "review_undo",
    "review_recent",
    "review_bulk_accept",
    "category_counts",
];
