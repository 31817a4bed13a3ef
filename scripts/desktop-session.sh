# Shared by scripts/e2e.sh and scripts/bench-app.sh (source it; it is not run on its own): what the
# desktop app needs to run under WebDriver on a machine without a display — tauri-driver, the test
# client's npm packages, a fresh scratch directory, Xvfb on a free display, tauri-driver on free ports —
# and a cleanup that undoes all of it (trap desktop_cleanup EXIT).
#
# Expects the working directory to be the repository root. Sets, for the callers:
#   DESKTOP_TMP        the scratch directory (removed by desktop_cleanup)
#   DISPLAY            the Xvfb display
#   TAURI_DRIVER_PORT  where tauri-driver listens (WebDriver, http://127.0.0.1:PORT)
#   DTRAG_STUDIO_BIN   absolute path of target/debug/dtrag-studio
#   DTRAG_CLI_BIN      absolute path of target/debug/dtrag

DESKTOP_TMP=""
DESKTOP_XVFB_PID=""
DESKTOP_DRIVER_PID=""
DESKTOP_DATA_DIRS=()
DTRAG_STUDIO_BIN="$PWD/target/debug/dtrag-studio"
DTRAG_CLI_BIN="$PWD/target/debug/dtrag"
export DTRAG_STUDIO_BIN DTRAG_CLI_BIN

desktop_log() { echo "==> $*" >&2; }

# tauri-driver (cargo install, about 70 s, only when missing) and the system tools it drives.
desktop_ensure_tools() {
    if ! command -v tauri-driver >/dev/null 2>&1; then
        if [ -x "$HOME/.cargo/bin/tauri-driver" ]; then
            export PATH="$HOME/.cargo/bin:$PATH"
        else
            desktop_log "installing tauri-driver (cargo install tauri-driver --locked)"
            cargo install tauri-driver --locked --quiet
            export PATH="$HOME/.cargo/bin:$PATH"
        fi
    fi
    local missing=()
    local tool
    for tool in Xvfb WebKitWebDriver dbus-run-session node npm; do
        command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        echo "==> error: missing ${missing[*]} (run scripts/setup-system.sh: xvfb, webkit2gtk-driver, dbus-x11, nodejs)" >&2
        return 1
    fi
}

# tests/e2e/node_modules from tests/e2e/package-lock.json (webdriverio only; no browser download:
# install scripts are not run, and the app is driven through tauri-driver, never a downloaded browser).
desktop_ensure_node_modules() {
    local dir=tests/e2e
    if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
        desktop_log "npm ci (tests/e2e)"
        (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
    fi
}

# The UI (ui/dist, embedded into the app at compile time) and then the app and the CLI.
desktop_build() {
    if [ "${DTRAG_E2E_SKIP_BUILD:-0}" = "1" ]; then
        desktop_log "DTRAG_E2E_SKIP_BUILD=1: using the binaries as built"
    else
        # npm ci when ui/package-lock.json changed, vite build when ui/ sources are newer than ui/dist.
        if [ -f scripts/setup-ui.sh ]; then
            bash scripts/setup-ui.sh
        else
            desktop_log "building the UI"
            (cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build >/dev/null)
        fi
        # The app embeds ui/dist with include_bytes!, so cargo rebuilds it when the UI changed.
        desktop_log "building the app and the CLI (cargo build -p dtrag-studio -p dtrag-cli)"
        cargo build --quiet -p dtrag-studio -p dtrag-cli
    fi
    local bin
    for bin in "$DTRAG_STUDIO_BIN" "$DTRAG_CLI_BIN"; do
        [ -x "$bin" ] || { echo "==> error: $bin is missing (build without DTRAG_E2E_SKIP_BUILD=1)" >&2; return 1; }
    done
}

# A scratch directory under /tmp that the `postgres` user can traverse (the embedded cluster runs as
# that user when we are root, and its data directory lives in here).
desktop_make_tmp() {
    DESKTOP_TMP=$(mktemp -d "/tmp/${1:-dtrag-desktop}.XXXXXX")
    chmod 755 "$DESKTOP_TMP"
    export DESKTOP_TMP
}

# Registers a data directory whose embedded cluster desktop_cleanup must stop.
desktop_register_data_dir() { DESKTOP_DATA_DIRS+=("$1"); }

# Xvfb on a display number it picks itself (-displayfd: no race with other runs), 1280x800.
desktop_start_xvfb() {
    local fifo_out="$DESKTOP_TMP/xvfb-display"
    : >"$fifo_out"
    Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$fifo_out" >"$DESKTOP_TMP/xvfb.log" 2>&1 &
    DESKTOP_XVFB_PID=$!
    local i
    for i in $(seq 1 100); do
        if [ -s "$fifo_out" ] && grep -q '^[0-9]' "$fifo_out"; then break; fi
        if ! kill -0 "$DESKTOP_XVFB_PID" 2>/dev/null; then
            echo "==> error: Xvfb exited:" >&2
            cat "$DESKTOP_TMP/xvfb.log" >&2
            return 1
        fi
        sleep 0.1
    done
    local n
    n=$(head -n1 "$fifo_out" | tr -dc '0-9')
    [ -n "$n" ] || { echo "==> error: Xvfb did not report a display" >&2; return 1; }
    export DISPLAY=":$n"
    desktop_log "Xvfb on $DISPLAY (pid $DESKTOP_XVFB_PID)"
}

# A TCP port nobody listens on now (the kernel picks it).
desktop_free_port() {
    node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# tauri-driver (and through it WebKitWebDriver and the app) in a session bus of its own, in a process
# group of its own (setsid) so that cleanup reaches every process below it. The app inherits this
# environment: DTRAG_DATA_DIR=$1 (a fresh directory: the app starts its own embedded PostgreSQL there),
# no DATABASE_URL, and a private XDG_CONFIG_HOME (no saved connection of the machine's user is used).
desktop_start_driver() {
    local data_dir=$1
    local port native_port
    port=$(desktop_free_port)
    native_port=$(desktop_free_port)
    while [ "$native_port" = "$port" ]; do native_port=$(desktop_free_port); done
    mkdir -p "$DESKTOP_TMP/config" "$DESKTOP_TMP/cache"
    desktop_register_data_dir "$data_dir"
    env -u DATABASE_URL \
        DTRAG_DATA_DIR="$data_dir" \
        XDG_CONFIG_HOME="$DESKTOP_TMP/config" \
        XDG_CACHE_HOME="$DESKTOP_TMP/cache" \
        WEBKIT_DISABLE_DMABUF_RENDERER=1 \
        setsid dbus-run-session -- tauri-driver --port "$port" --native-port "$native_port" \
        >"$DESKTOP_TMP/tauri-driver.log" 2>&1 &
    DESKTOP_DRIVER_PID=$!
    local i
    for i in $(seq 1 150); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            export TAURI_DRIVER_PORT=$port
            desktop_log "tauri-driver on port $port (native $native_port, pid $DESKTOP_DRIVER_PID)"
            return 0
        fi
        if ! kill -0 "$DESKTOP_DRIVER_PID" 2>/dev/null; then break; fi
        sleep 0.1
    done
    echo "==> error: tauri-driver did not start:" >&2
    cat "$DESKTOP_TMP/tauri-driver.log" >&2
    return 1
}

# Stops tauri-driver (and the app, if a session is still open) and the embedded cluster of $1.
desktop_stop_driver() {
    desktop_kill_group "$DESKTOP_DRIVER_PID"
    DESKTOP_DRIVER_PID=""
    if [ -n "${1:-}" ] && [ -e "$1/pg/PG_VERSION" ]; then
        "$DTRAG_CLI_BIN" --data-dir "$1" db stop >/dev/null 2>&1 \
            || echo "==> warning: could not stop the embedded cluster in $1" >&2
    fi
}

# Kills the process group of $1 (TERM, then KILL after 5 s).
desktop_kill_group() {
    local pid=$1 i
    [ -n "$pid" ] || return 0
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || return 0
    for i in $(seq 1 50); do
        kill -0 -- "-$pid" 2>/dev/null || kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# Everything the helpers started: tauri-driver (with WebKitWebDriver and any app still running),
# Xvfb, the embedded clusters of the registered data directories, the scratch directory.
# Keeps the scratch directory when DTRAG_E2E_KEEP_TMP=1 (logs, data) and says where it is.
desktop_cleanup() {
    local rc=$?
    set +e
    desktop_kill_group "$DESKTOP_DRIVER_PID"
    DESKTOP_DRIVER_PID=""
    if [ -n "$DESKTOP_XVFB_PID" ]; then
        kill -TERM "$DESKTOP_XVFB_PID" 2>/dev/null
        wait "$DESKTOP_XVFB_PID" 2>/dev/null
        DESKTOP_XVFB_PID=""
    fi
    local d
    for d in "${DESKTOP_DATA_DIRS[@]}"; do
        if [ -e "$d/pg/PG_VERSION" ] && [ -x "$DTRAG_CLI_BIN" ]; then
            "$DTRAG_CLI_BIN" --data-dir "$d" db stop >/dev/null 2>&1 \
                || echo "==> warning: could not stop the embedded cluster in $d" >&2
        fi
    done
    DESKTOP_DATA_DIRS=()
    if [ -n "$DESKTOP_TMP" ] && [ -d "$DESKTOP_TMP" ]; then
        if [ "${DTRAG_E2E_KEEP_TMP:-0}" = "1" ]; then
            echo "==> kept $DESKTOP_TMP (DTRAG_E2E_KEEP_TMP=1)" >&2
        else
            rm -rf "$DESKTOP_TMP"
        fi
    fi
    DESKTOP_TMP=""
    return $rc
}
