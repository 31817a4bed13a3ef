#!/usr/bin/env bash
# End-to-end tests of the desktop app: the real dtrag-studio in a real window (Xvfb), driven through
# tauri-driver + WebKitWebDriver by node:test + WebdriverIO (tests/e2e/*.test.mjs), on a fresh
# embedded PostgreSQL in a scratch data directory.
#
#   bash scripts/e2e.sh                          # build the UI and the app, then run the tests
#   DTRAG_E2E_SKIP_BUILD=1 bash scripts/e2e.sh   # use target/debug/dtrag-studio and dtrag as built
#   bash scripts/e2e.sh --test-name-pattern='browse|find'   # arguments go to `node --test`
#
# Other knobs: DTRAG_E2E_SCREENSHOTS=DIR (default docs/screenshots; 0 = none), DTRAG_E2E_KEEP_TMP=1
# (keep the scratch directory with the data directory). When a test fails, its screenshot and the
# driver's and the app's logs are left in target/e2e-artifacts/.
# Idempotent: installs tauri-driver and tests/e2e/node_modules only when missing, and always cleans
# up what it started (tauri-driver, the app, Xvfb, the embedded cluster, the scratch directory).
# The exit code is the test runner's.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/desktop-session.sh
source scripts/desktop-session.sh
trap desktop_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

started=$(date +%s)
desktop_ensure_tools
desktop_ensure_node_modules
desktop_build

export DTRAG_E2E_ARTIFACTS="$PWD/target/e2e-artifacts"
rm -rf "$DTRAG_E2E_ARTIFACTS"
desktop_make_tmp dtrag-e2e
desktop_start_xvfb

# Each test file gets a fresh data directory, so its own tauri-driver (which passes its environment
# to the app it launches) and its own app sessions; the files run one after the other.
# tests/e2e/studio.test.mjs is one story in one session, step by step.
rc=0
for file in tests/e2e/*.test.mjs; do
    name=$(basename "$file" .test.mjs)
    export DTRAG_DATA_DIR="$DESKTOP_TMP/data-$name"
    desktop_start_driver "$DTRAG_DATA_DIR"
    desktop_log "running $file"
    set +e
    node --test --test-reporter=spec "$@" "$file"
    file_rc=$?
    set -e
    if [ "$file_rc" -ne 0 ]; then
        rc=$file_rc
        mkdir -p "$DTRAG_E2E_ARTIFACTS"
        cp "$DESKTOP_TMP/tauri-driver.log" "$DTRAG_E2E_ARTIFACTS/tauri-driver-$name.log" 2>/dev/null || true
        for log in "$DTRAG_DATA_DIR"/logs/*.log; do
            if [ -f "$log" ]; then cp "$log" "$DTRAG_E2E_ARTIFACTS/$name-$(basename "$log")"; fi
        done
    fi
    desktop_stop_driver "$DTRAG_DATA_DIR"
done
if [ "$rc" -ne 0 ]; then
    echo "==> end-to-end tests failed (exit $rc): screenshots and logs in $DTRAG_E2E_ARTIFACTS" >&2
fi
desktop_log "end-to-end: exit $rc in $(( $(date +%s) - started )) s"
exit "$rc"
