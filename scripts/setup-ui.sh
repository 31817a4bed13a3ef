#!/usr/bin/env bash
# Installs the UI's npm packages (from package-lock.json) when missing or stale, and builds ui/dist,
# which the desktop app embeds at compile time.
set -euo pipefail
cd "$(dirname "$0")/../ui"
command -v npm >/dev/null 2>&1 || { echo "==> error: npm missing (run scripts/setup-system.sh)" >&2; exit 1; }
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "==> npm ci (ui)"
    npm ci --no-audit --no-fund --loglevel=error
fi
if [ ! -f dist/index.html ] || [ -n "$(find src index.html package.json vite.config.ts -newer dist/index.html -print -quit 2>/dev/null)" ]; then
    echo "==> building the UI"
    npm run --silent build >/dev/null
fi
echo "==> UI ready (ui/dist)"
