#!/usr/bin/env bash
# Sets up everything needed and runs DT-RAG Studio on the embedded local PostgreSQL.
# (Until the desktop app lands, the main job is the CLI demo: load the sample taxonomy on first
# start and print its tree.) Extra arguments are passed to `dtrag` instead of `demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-system.sh
bash scripts/setup-rust.sh
echo "==> cargo build --release"
cargo build --release --locked -q
if [ "$#" -eq 0 ]; then
    set -- demo
fi
exec target/release/dtrag "$@"
