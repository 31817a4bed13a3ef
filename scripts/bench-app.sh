#!/usr/bin/env bash
# Desktop app benchmark (not part of the tests): WordNet 3.0 (v1) and 3.1 (v2, head) imported with
# the CLI into a fresh data directory, then the app started through tauri-driver under Xvfb; measures
# first tree paint after start, node expansion, opening the v1 -> v2 diff and resident memory
# (tests/e2e/bench-app.mjs), prints the figures and writes them into docs/benchmarks.md between
# <!-- bench:desktop --> and <!-- /bench:desktop -->.
#
#   bash scripts/bench-app.sh                          # builds the UI and the debug app first
#   DTRAG_E2E_SKIP_BUILD=1 bash scripts/bench-app.sh   # the binaries as built
#   DTRAG_BENCH_PROFILE=release bash scripts/bench-app.sh   # target/release/dtrag-studio
# Knobs: DTRAG_BENCH_STARTS (5), DTRAG_BENCH_EXPANSIONS (50), DTRAG_BENCH_FILE (docs/benchmarks.md).
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/desktop-session.sh
source scripts/desktop-session.sh
trap desktop_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

profile=${DTRAG_BENCH_PROFILE:-debug}
desktop_ensure_tools
desktop_ensure_node_modules
desktop_build
if [ "$profile" = "release" ]; then
    if [ "${DTRAG_E2E_SKIP_BUILD:-0}" != "1" ]; then
        desktop_log "building the release app (cargo build --release -p dtrag-studio)"
        cargo build --quiet --release -p dtrag-studio
    fi
    DTRAG_STUDIO_BIN="$PWD/target/release/dtrag-studio"
    export DTRAG_STUDIO_BIN
    [ -x "$DTRAG_STUDIO_BIN" ] || { echo "==> error: $DTRAG_STUDIO_BIN is missing" >&2; exit 1; }
fi
bash scripts/fetch-wordnet.sh
WN30=target/dtrag-data/wordnet-3.0-nouns.jsonl
WN31=target/dtrag-data/wordnet-3.1-nouns.jsonl

desktop_make_tmp dtrag-bench-app
export DTRAG_DATA_DIR="$DESKTOP_TMP/data"
desktop_register_data_dir "$DTRAG_DATA_DIR"
desktop_log "importing WordNet 3.0 and 3.1 into $DTRAG_DATA_DIR"
"$DTRAG_CLI_BIN" --data-dir "$DTRAG_DATA_DIR" taxonomy import "$WN30" -m "WordNet 3.0 nouns"
"$DTRAG_CLI_BIN" --data-dir "$DTRAG_DATA_DIR" taxonomy import "$WN31" -m "WordNet 3.1 nouns"
# The app starts its own database, as for a user (bench-app.mjs stops it before each start too).
"$DTRAG_CLI_BIN" --data-dir "$DTRAG_DATA_DIR" db stop >/dev/null

desktop_start_xvfb
desktop_start_driver "$DTRAG_DATA_DIR"
desktop_log "measuring"
node tests/e2e/bench-app.mjs
