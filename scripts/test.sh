#!/usr/bin/env bash
# Sets up everything the tests need (system packages, pgvector, WordNet data) and runs ALL the tests:
# formatting, lints, and the test suite against a real PostgreSQL + pgvector that this script starts.
# Idempotent; quick when nothing is missing. CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-system.sh
bash scripts/setup-rust.sh
bash scripts/fetch-wordnet.sh

# The test cluster lives outside the work tree: when run as root the server runs as the `postgres`
# user, which must be able to enter its directory (a clone under /root would not be reachable).
export DTRAG_TEST_PG_DIR="${DTRAG_TEST_PG_DIR:-/tmp/dtrag-test-pg-$(id -u)}"
stop_cluster() {
    if [ -x target/debug/dtrag ]; then
        target/debug/dtrag --data-dir "$DTRAG_TEST_PG_DIR" db stop >/dev/null 2>&1 || true
    fi
}
trap stop_cluster EXIT

echo "==> cargo fmt --check"
cargo fmt --all -- --check
echo "==> cargo clippy -D warnings"
cargo clippy --all-targets --locked -- -D warnings
echo "==> cargo test"
cargo test --locked --all-targets -- --test-threads "${DTRAG_TEST_THREADS:-4}"
