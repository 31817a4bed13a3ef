#!/usr/bin/env bash
# Runs every cargo-fuzz target (fuzz/) for a fixed time each: `scripts/fuzz.sh [SECONDS] [--no-grow]`
# (default 180 s a target: the long run). The test command (scripts/test.sh) runs it for a few
# seconds a target with --no-grow. Needs cargo-fuzz (scripts/setup-rust.sh installs it).
#
# Corpora: fuzz/corpus/TARGET holds the committed seeds (seed-*: small valid inputs, the sample
# files among them) and, in a long run, what the fuzzer adds (not committed). With --no-grow the
# new inputs go to a temporary directory instead, so the test command leaves the tree as it was.
# A crash is written to fuzz/artifacts/TARGET/ and fails the script with its target's name: turn
# it into a regression test (tests/it/fuzz_regressions.rs or the parser's own unit tests), fix
# the parser, and run again.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${1:-180}"
grow=1
[ "${2:-}" = "--no-grow" ] && grow=0

# The toolchain: cargo-fuzz passes unstable flags (-Zsanitizer=address and the sancov passes in
# RUSTFLAGS). Only the stable toolchain is sure to exist (CI's fresh machine has no nightly and
# none can be fetched), so RUSTC_BOOTSTRAP=1 lets stable accept them; AddressSanitizer works that
# way (stable ships its runtime), so the targets run with ASan and libFuzzer's coverage guidance.
export RUSTC_BOOTSTRAP=1
# A fresh clone builds the fuzz crates once; incremental caches would only add to fuzz/target.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

scratch=""
if [ "$grow" = 0 ]; then
    scratch=$(mktemp -d)
    trap 'rm -rf "$scratch"' EXIT
fi

echo "==> fuzz: building the targets"
log_dir="${scratch:-$(mktemp -d)}"
if ! cargo fuzz build >"$log_dir/build.log" 2>&1; then
    tail -n 40 "$log_dir/build.log"
    echo "==> fuzz: the build failed" >&2
    exit 1
fi
grep -E '^ *Finished' "$log_dir/build.log" || true
targets=$(cargo fuzz list)
failed=()
for t in $targets; do
    mkdir -p "corpus/$t"
    if [ "$grow" = 1 ]; then dirs=("corpus/$t"); else mkdir -p "$scratch/$t"; dirs=("$scratch/$t" "corpus/$t"); fi
    echo "==> fuzz $t: ${seconds} s"
    # -max_len: inputs up to 64 KiB (larger ones only make each run slower, the parsers stream
    # lines); -timeout: one input over 10 s is a hang; -rss_limit_mb: unbounded memory is a crash.
    if ! cargo fuzz run "$t" "${dirs[@]}" -- -max_total_time="$seconds" \
        -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 >"$log_dir/$t.log" 2>&1; then
        tail -n 40 "$log_dir/$t.log"
        failed+=("$t")
    else
        grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb)|^#[0-9]+.*DONE' \
            "$log_dir/$t.log" | tr '\n' ' '
        echo
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "==> fuzz: crashes in: ${failed[*]} (see fuzz/artifacts/)" >&2
    exit 1
fi
echo "==> fuzz: no crashes"
