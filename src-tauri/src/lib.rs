//! DT-RAG Studio's desktop shell: a Tauri 2 window hosting the web UI (`ui/`), whose commands only
//! translate between IPC and the `dtrag` library.

pub mod bindings;
mod commands;
pub mod connection;
pub mod error;
mod logging;
pub mod state;

use std::path::PathBuf;

use tauri::Manager;

use state::AppState;

/// The app's data directory: `DTRAG_DATA_DIR`, else the embedded database's default.
fn data_dir() -> PathBuf {
    std::env::var("DTRAG_DATA_DIR")
        .ok()
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(dtrag::db::embedded::default_data_dir)
}

fn author() -> String {
    ["DTRAG_AUTHOR", "USER", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "desktop".into())
}

pub fn run() {
    let data_dir = data_dir();
    let _ = std::fs::create_dir_all(&data_dir);
    let _log_guard = logging::init(&data_dir.join("logs"));
    tracing::info!(data_dir = %data_dir.display(), "starting DT-RAG Studio");

    let app = tauri::Builder::default()
        .manage(AppState::new(data_dir, author()))
        .setup(|app| {
            // Open the database in the background: the window paints at once and shows progress.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                handle.state::<AppState>().connect_at_start().await;
            });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::connection_status,
            commands::connect,
            commands::forget_connection,
            commands::list_versions,
            commands::roots,
            commands::children,
            commands::node_details,
            commands::find_nodes,
            commands::diff_versions,
            commands::preview_edits,
            commands::publish_edits,
            commands::preview_rollback,
            commands::rollback,
            commands::audit_log,
            commands::import_taxonomy,
            commands::search,
            commands::embedding_models,
        ])
        .build(tauri::generate_context!());
    let app = match app {
        Ok(app) => app,
        Err(e) => {
            tracing::error!(error = %e, "cannot start the window");
            eprintln!("error: cannot start DT-RAG Studio: {e}");
            std::process::exit(1);
        }
    };
    app.run(|handle, event| {
        if let tauri::RunEvent::Exit = event {
            tauri::async_runtime::block_on(handle.state::<AppState>().shutdown());
        }
    });
}
