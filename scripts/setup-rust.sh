#!/usr/bin/env bash
# Checks the Rust toolchain (cargo, rustfmt, clippy, cargo-fuzz) and fetches the crates (Cargo.lock,
# fuzz/Cargo.lock) once.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v cargo >/dev/null 2>&1; then
    [ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH"
fi
command -v cargo >/dev/null 2>&1 || {
    echo "==> error: cargo not found: install the Rust toolchain (rustup) first" >&2; exit 1; }
for c in rustfmt clippy; do
    if ! cargo "${c/rustfmt/fmt}" --version >/dev/null 2>&1; then
        if command -v rustup >/dev/null 2>&1; then
            echo "==> rustup component add $c"
            rustup component add "$c"
        else
            echo "==> error: cargo $c missing" >&2; exit 1
        fi
    fi
done
cargo fetch --locked -q
# cargo-fuzz runs the fuzz targets (fuzz/, scripts/fuzz.sh, the test command's short fuzz step).
# Installed from crates.io only when missing, so a second run costs nothing.
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "==> cargo install cargo-fuzz"
    cargo install cargo-fuzz --locked -q
fi
(cd fuzz && cargo fetch --locked -q)
echo "==> rust toolchain OK ($(cargo --version))"
