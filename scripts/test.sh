#!/usr/bin/env bash
# Sets up everything the tests need (system packages, pgvector, WordNet data, npm packages) and runs
# ALL the tests: formatting, lints, the UI's type check and unit tests, the Rust test suite against a
# real PostgreSQL + pgvector, every fuzz target for a short time, and the desktop app end to end in
# a real window (Xvfb + WebDriver).
# Idempotent; quick when nothing is missing. CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-system.sh
bash scripts/setup-rust.sh
bash scripts/setup-ui.sh
bash scripts/fetch-wordnet.sh
bash scripts/fetch-model.sh

# The test cluster lives outside the work tree: when run as root the server runs as the `postgres`
# user, which must be able to enter its directory (a clone under /root would not be reachable).
# A full run builds from scratch more often than it rebuilds in place (CI is a fresh clone), and the
# incremental caches add ~2 GB to target/ for nothing there; a caller may still ask for them.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
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
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "==> UI: type check and unit tests"
(cd ui && npm run --silent typecheck && npm test --silent)
echo "==> cargo test"
cargo test --workspace --locked -- --test-threads "${DTRAG_TEST_THREADS:-4}"
# Every fuzz target for a short fixed time from the committed seeds (fuzz/corpus/*/seed-*); a crash
# fails the command. scripts/fuzz.sh without --no-grow is the long run (180 s a target).
echo "==> fuzz: every target ${DTRAG_FUZZ_SECONDS:-15} s"
bash scripts/fuzz.sh "${DTRAG_FUZZ_SECONDS:-15}" --no-grow
echo "==> desktop app end to end"
# Same targets and features as the test build above (dev-dependencies included), so nothing is
# compiled a second time with another feature set for the e2e binaries.
cargo build --workspace --all-targets --locked -q
if [ -f scripts/e2e.sh ] && [ -f tests/e2e/package-lock.json ]; then
    DTRAG_E2E_SKIP_BUILD=1 bash scripts/e2e.sh
else
    echo "==> WARNING: no end-to-end suite in this checkout (scripts/e2e.sh missing)" >&2
fi
