fn main() {
    // Only the app's own commands get permissions (allow-<command>); the capability file grants them.
    // The list must equal src/command_list.rs (its tests check this file, the capability file,
    // the handler list, ui/src/api.ts and docs/ipc.md against it).
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(
        tauri_build::AppManifest::new().commands(&[
            "connection_status",
            "connect",
            "forget_connection",
            "limits",
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
        ]),
    ))
    .expect("tauri build step");
}
