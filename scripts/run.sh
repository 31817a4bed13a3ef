#!/usr/bin/env bash
# Sets up everything needed and runs DT-RAG Studio, the desktop app, on the embedded local
# PostgreSQL (created in the data directory on first start and loaded with the sample taxonomy and
# sample documents with vectors).
# With arguments, runs the `dtrag` command line with them instead (e.g. `taxonomy versions`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-system.sh
bash scripts/setup-rust.sh
bash scripts/setup-ui.sh
bash scripts/fetch-model.sh
echo "==> cargo build --release"
cargo build --release --locked -q -p dtrag-cli -p dtrag-studio
if [ "$#" -gt 0 ]; then
    exec target/release/dtrag "$@"
fi
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    echo "==> no display here (DISPLAY is not set): the desktop app needs one." >&2
    echo "==> Showing the command-line demo instead; on a desktop, this command opens the app." >&2
    exec target/release/dtrag demo
fi
exec target/release/dtrag-studio
