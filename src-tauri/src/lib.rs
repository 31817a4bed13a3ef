//! DT-RAG Studio's desktop shell: a Tauri 2 window hosting the web UI (`ui/`), whose commands only
//! make one `dtrag-api` call each.

pub mod bindings;
pub mod command_list;
mod command_names;
mod commands;
pub mod connection;
mod logging;
mod signals;
pub mod state;

use tauri::Manager;

use dtrag_api::Config;
use state::AppState;

pub fn run() {
    // The edge: the environment is read here, once, into the API's configuration.
    let exe = std::env::current_exe().ok();
    let config = Config::from_environment(|k| std::env::var(k).ok(), exe.as_deref());
    let start_url = std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty());
    let _log_guard = logging::init(&config.data_dir.join("logs"));
    tracing::info!(data_dir = %config.data_dir.display(), models_dir = %config.models_dir.display(), "starting DT-RAG Studio");

    let app = tauri::Builder::default()
        .manage(AppState::new(config, start_url))
        .setup(|app| {
            // Open the database in the background: the window paints at once and shows progress.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                let state = handle.state::<AppState>();
                state.connect_at_start().await;
                // A server that dies under the app is brought back (and recovered) within seconds.
                loop {
                    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
                    state.revive_embedded().await;
                }
            });
            signals::stop_on_signals(app.handle().clone());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::connection_status,
            commands::connect,
            commands::forget_connection,
            commands::database::backup_database,
            commands::database::restore_database,
            commands::database::database_health,
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
            commands::preview_import,
            commands::check_taxonomy,
            commands::search,
            commands::embedding_models,
            commands::review::classify,
            commands::review::review_stats,
            commands::review::review_list,
            commands::review::review_next,
            commands::review::review_release,
            commands::review::review_item,
            commands::review::review_decide,
            commands::review::review_skip,
            commands::review::review_undo,
            commands::review::review_recent,
            commands::review::review_bulk_accept,
            commands::review::category_counts,
            commands::agents::agents_list,
            commands::agents::agents_show,
            commands::agents::agents_create,
            commands::agents::agents_update,
            commands::agents::agents_remove,
            commands::agents::agents_search,
            commands::agents::agents_credentials,
            commands::agents::agents_check,
            commands::eval::eval_sets,
            commands::eval::eval_run,
            commands::eval::eval_last,
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
