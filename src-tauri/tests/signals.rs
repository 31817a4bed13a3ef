//! The real app binary, in a real (virtual) display, ended by SIGTERM, SIGINT and SIGHUP: each
//! time the embedded server it launched is stopped cleanly; a server that was already running
//! when the app connected is left running. Needs Xvfb (scripts/setup-system.sh installs it);
//! without it the test says so and passes.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use dtrag_api::{database, Config};

struct Display {
    xvfb: Child,
    name: String,
}

impl Drop for Display {
    fn drop(&mut self) {
        let _ = self.xvfb.kill();
        let _ = self.xvfb.wait();
    }
}

/// A private Xvfb display, or `None` where there is no Xvfb.
fn display() -> Option<Display> {
    if !Path::new("/usr/bin/Xvfb").exists() {
        return None;
    }
    // A display number of our own (the e2e suite uses :77-ish ones).
    let n = 300 + std::process::id() % 500;
    let xvfb = Command::new("/usr/bin/Xvfb")
        .arg(format!(":{n}"))
        .args(["-screen", "0", "1024x768x24", "-nolisten", "tcp"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start Xvfb");
    let socket = PathBuf::from(format!("/tmp/.X11-unix/X{n}"));
    let started = Instant::now();
    while !socket.exists() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "Xvfb :{n} did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Some(Display {
        xvfb,
        name: format!(":{n}"),
    })
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn config(dir: &Path) -> Config {
    Config::from_environment(
        |k| match k {
            "DTRAG_DATA_DIR" => Some(dir.display().to_string()),
            "DTRAG_MODELS_DIR" => Some(
                repo()
                    .join("target/dtrag-data/models")
                    .display()
                    .to_string(),
            ),
            _ => None,
        },
        None,
    )
}

/// The app on `display` with data directory `dir` (and a config directory of its own, so no
/// saved connection of the machine's user applies); its stderr lines come through the receiver.
fn launch(display: &Display, dir: &Path) -> (Child, Receiver<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dtrag-studio"))
        .env("DISPLAY", &display.name)
        .env("WEBKIT_DISABLE_DMABUF_RENDERER", "1")
        .env("DTRAG_DATA_DIR", dir)
        .env("DTRAG_MODELS_DIR", repo().join("target/dtrag-data/models"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env_remove("DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start dtrag-studio");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (child, rx)
}

/// Waits for the app's "connected" log line (the first start runs initdb and loads samples).
fn until_connected(app: &mut Child, lines: &Receiver<String>) {
    let deadline = Instant::now() + Duration::from_secs(300);
    let mut seen = Vec::new();
    while Instant::now() < deadline {
        if let Ok(Some(status)) = app.try_wait() {
            panic!("the app ended early ({status}):\n{}", seen.join("\n"));
        }
        if let Ok(line) = lines.recv_timeout(Duration::from_millis(200)) {
            if line.contains("connected") && !line.contains("not connected") {
                return;
            }
            seen.push(line);
        }
    }
    panic!("the app did not connect:\n{}", seen.join("\n"));
}

fn signal(app: &Child, name: &str) {
    let ok = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(app.id().to_string())
        .status()
        .expect("kill")
        .success();
    assert!(ok, "kill -{name}");
}

fn wait_exit(app: &mut Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = app.try_wait().expect("wait") {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "the app did not end on the signal"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

async fn running(cfg: &Config) -> bool {
    database::status(cfg).await.expect("status").running
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signal_stops_the_embedded_database_the_app_started_and_only_that() {
    let Some(display) = display() else {
        eprintln!("skipped: no Xvfb (install it with scripts/setup-system.sh)");
        return;
    };
    let dir = std::env::temp_dir().join(format!("dtrag-signals-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let cfg = config(&dir);

    for (name, number) in [("TERM", 15), ("INT", 2), ("HUP", 1)] {
        let (mut app, lines) = launch(&display, &dir);
        until_connected(&mut app, &lines);
        assert!(running(&cfg).await, "SIG{name}: the app's database runs");
        signal(&app, name);
        let status = wait_exit(&mut app);
        assert_eq!(status.code(), Some(128 + number), "SIG{name}: {status}");
        assert!(
            !running(&cfg).await,
            "SIG{name}: the embedded database was stopped"
        );
        assert!(
            !dir.join("pg/postmaster.pid").exists(),
            "SIG{name}: a clean shutdown removes postmaster.pid"
        );
        let log = std::fs::read_to_string(dir.join("pg/server.log")).unwrap_or_default();
        assert!(
            log.trim_end().ends_with("database system is shut down"),
            "SIG{name}: a clean shutdown: {}",
            log.lines().last().unwrap_or_default()
        );
    }

    // A server started by someone else (`dtrag db start`) outlives the app.
    database::start(&cfg).await.expect("db start");
    let (mut app, lines) = launch(&display, &dir);
    until_connected(&mut app, &lines);
    signal(&app, "TERM");
    wait_exit(&mut app);
    assert!(
        running(&cfg).await,
        "a server the app did not start keeps running"
    );
    database::stop(&cfg).await.expect("stop");
    let _ = std::fs::remove_dir_all(&dir);
}
