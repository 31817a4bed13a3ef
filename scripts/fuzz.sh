#!/usr/bin/env bash
# Runs every cargo-fuzz target (fuzz/) for a fixed time each: `scripts/fuzz.sh [SECONDS]`
# (default 180). Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
# Corpora grow in fuzz/corpus/TARGET; a crash is written to fuzz/artifacts/TARGET/ and stops
# the script with its target's name: turn it into a regression test in
# tests/it/fuzz_regressions.rs, fix it, and run again.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${1:-180}"
targets=$(cargo +nightly fuzz list)
failed=()
for t in $targets; do
    mkdir -p "corpus/$t"
    # Seeds: the repository's own sample files, so the fuzzer starts from valid input.
    case "$t" in
        taxonomy_jsonl) cp -n ../data/sample-taxonomy.jsonl "corpus/$t/" 2>/dev/null || true ;;
        document_jsonl) cp -n ../data/sample-documents.jsonl "corpus/$t/" 2>/dev/null || true ;;
    esac
    echo "== $t: ${seconds} s"
    if ! cargo +nightly fuzz run "$t" -- -max_total_time="$seconds" \
        -max_len=65536 -timeout=10 -rss_limit_mb=2048 2>&1 | tail -n 15; then
        failed+=("$t")
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "crashes in: ${failed[*]} (see fuzz/artifacts/)" >&2
    exit 1
fi
echo "no crashes"
