//! Ending the app by a signal (SIGTERM from a session manager or `kill`, SIGINT from a terminal's
//! Ctrl-C, SIGHUP when its terminal closes) shuts it down like closing the window: the embedded
//! server this app launched is stopped cleanly (a fast shutdown with a checkpoint) instead of
//! being left running without its app.

use tauri::{AppHandle, Manager};

use crate::state::AppState;

/// Listens for the signals in the background; on the first one, stops what the app started and
/// exits (status 128 + the signal's number, as a shell reports a process ended by it).
#[cfg(unix)]
pub fn stop_on_signals(app: AppHandle) {
    use tokio::signal::unix::{signal, SignalKind};
    tauri::async_runtime::spawn(async move {
        let (term, int, hup) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
            signal(SignalKind::hangup()),
        );
        let (mut term, mut int, mut hup) = match (term, int, hup) {
            (Ok(t), Ok(i), Ok(h)) => (t, i, h),
            (t, i, h) => {
                let e = [t.err(), i.err(), h.err()].into_iter().flatten().next();
                tracing::warn!(error = ?e, "cannot listen for signals: a signal ends the app without stopping its database");
                return;
            }
        };
        let (name, number) = tokio::select! {
            _ = term.recv() => ("SIGTERM", 15),
            _ = int.recv() => ("SIGINT", 2),
            _ = hup.recv() => ("SIGHUP", 1),
        };
        tracing::info!(signal = name, "ending on a signal");
        app.state::<AppState>().shutdown().await;
        app.exit(128 + number);
    });
}

#[cfg(not(unix))]
pub fn stop_on_signals(_app: AppHandle) {}
