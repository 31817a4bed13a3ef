#!/usr/bin/env bash
# Runs the fault tests N times in a row (default 10) and prints a tally: `scripts/fault-runs.sh [N]`.
# The fault tests (docs/reliability.md says what each does): tests/it/faults.rs (the
# postmaster SIGKILLed mid-import, mid-publish, mid-review-decision; `db start` at once after a
# kill), faults_disk.rs (a full disk), faults_embed.rs (a kill mid-embedding; a connection
# terminated mid-transaction), embedded.rs (the embedded cluster's start, reuse, stop and
# refusals) and src-tauri/tests/signals.rs (the app ended by SIGTERM, SIGINT, SIGHUP).
# A flaky test shows up here as a failed run: its output is kept in the printed log file.
# DTRAG_FAULT_SIGNALS=0 leaves out the signal test (it needs the desktop app built and Xvfb).
set -uo pipefail
cd "$(dirname "$0")/.."
runs="${1:-10}"
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
export DTRAG_TEST_PG_DIR="${DTRAG_TEST_PG_DIR:-/tmp/dtrag-test-pg-$(id -u)}"
export DTRAG_MODELS_DIR="${DTRAG_MODELS_DIR:-$PWD/target/dtrag-data/models}"
threads="${DTRAG_TEST_THREADS:-2}"
logs=$(mktemp -d /tmp/dtrag-fault-runs.XXXXXX)

echo "==> building the fault tests"
signals="${DTRAG_FAULT_SIGNALS:-1}"
if [ "$signals" = 1 ]; then
    cargo test -q -p dtrag-cli --test it -p dtrag-studio --test signals --no-run --locked || exit 1
else
    cargo test -q -p dtrag-cli --test it --no-run --locked || exit 1
fi

it_filters=(faults:: faults_disk:: faults_embed:: embedded::)
passed=0
failed=0
for i in $(seq 1 "$runs"); do
    log="$logs/run-$i.log"
    started=$(date +%s)
    ok=1
    cargo test -q -p dtrag-cli --test it --locked -- --test-threads "$threads" \
        "${it_filters[@]}" >"$log" 2>&1 || ok=0
    if [ "$signals" = 1 ]; then
        cargo test -q -p dtrag-studio --test signals --locked >>"$log" 2>&1 || ok=0
    fi
    counts=$(grep -E '^test result:' "$log" | sed -E 's/^test result: [A-Za-z]+\. ([0-9]+) passed; ([0-9]+) failed.*/\1 passed, \2 failed/' | paste -sd ';' -)
    if [ "$ok" = 1 ]; then
        passed=$((passed + 1))
        echo "run $i: ok ($(( $(date +%s) - started )) s; $counts)"
    else
        failed=$((failed + 1))
        echo "run $i: FAILED ($(( $(date +%s) - started )) s; $log): $(grep -E '^    [a-z_:]+$' "$log" | tr -d ' ' | tr '\n' ' ')"
    fi
done
target/debug/dtrag --data-dir "$DTRAG_TEST_PG_DIR" db stop >/dev/null 2>&1 || true
echo "logs: $logs"
echo "fault runs: $passed passed, $failed failed"
[ "$failed" = 0 ]
