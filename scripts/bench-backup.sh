#!/usr/bin/env bash
# Backup and restore times of a WordNet-sized database: the 117,659 WordNet 3.0 glosses as
# documents (one chunk each) with their MiniLM vectors (from the search benchmark's vector cache,
# so nothing is embedded here) and the HNSW index, in a scratch data directory; then
# `dtrag db backup` and `dtrag db restore` into a second, empty data directory, verified by
# fingerprint. Prints the figures; docs/benchmarks.md (`<!-- bench:backup -->`) records them.
#
#   bash scripts/bench-backup.sh            # needs target/debug/dtrag and target/dtrag-data/
set -euo pipefail
cd "$(dirname "$0")/.."
DTRAG=${DTRAG:-$PWD/target/debug/dtrag}
DATA=${DTRAG_BENCH_DATA:-$PWD/target/dtrag-data}
SCRATCH=$(mktemp -d /tmp/dtrag-bench-backup.XXXXXX)
chmod 755 "$SCRATCH"
A="$SCRATCH/a" B="$SCRATCH/b" FILE="$SCRATCH/wordnet.dump"
cleanup() {
    "$DTRAG" --data-dir "$A" db stop >/dev/null 2>&1 || true
    "$DTRAG" --data-dir "$B" db stop >/dev/null 2>&1 || true
    rm -rf "$SCRATCH"
}
trap cleanup EXIT
export DTRAG_MODELS_DIR=${DTRAG_MODELS_DIR:-$DATA/models}
now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc; }

"$DTRAG" --data-dir "$A" db start >/dev/null
# The samples (and the local model) come with the first open; the glosses are classified under
# the WordNet noun hierarchy, which replaces the sample taxonomy.
t=$(now)
"$DTRAG" --data-dir "$A" taxonomy import "$DATA/wordnet-3.0-nouns.jsonl" -m "WordNet 3.0 nouns" >/dev/null
echo "taxonomy import: $(secs "$t" "$(now)") s"
t=$(now)
"$DTRAG" --data-dir "$A" docs add "$DATA/wordnet-3.0-glosses.jsonl" --no-embed >/dev/null
echo "ingest: $(secs "$t" "$(now)") s"
URL=$("$DTRAG" --data-dir "$A" --json db status | python3 -c 'import json,sys; print(json.load(sys.stdin)["url"])')
t=$(now)
python3 - "$DATA/wordnet-3.0-glosses.all-MiniLM-L6-v2.vectors" "$URL" <<'PY'
import struct, subprocess, sys
path, url = sys.argv[1], sys.argv[2]
ids = subprocess.run(["psql", url, "-Atc",
    "SELECT c.id FROM chunk c WHERE NOT EXISTS (SELECT 1 FROM chunk_embedding e WHERE e.chunk_id = c.id) ORDER BY c.id"],
    check=True, capture_output=True, text=True).stdout.split()
model = subprocess.run(["psql", url, "-Atc", "SELECT id FROM embedding_model ORDER BY id LIMIT 1"],
    check=True, capture_output=True, text=True).stdout.strip()
with open(path, "rb") as f:
    head = f.read(32)
    assert head[:8] == b"DTRAGVC1"
    n, dims = struct.unpack("<QQ", head[16:32])
    assert n == len(ids), (n, len(ids))
    copy = subprocess.Popen(["psql", url, "-qc",
        "COPY chunk_embedding (model_id, chunk_id, embedding) FROM STDIN"], stdin=subprocess.PIPE)
    fmt = "<%df" % dims
    for cid in ids:
        v = struct.unpack(fmt, f.read(4 * dims))
        copy.stdin.write(("%s\t%s\t[%s]\n" % (model, cid, ",".join("%.7g" % x for x in v))).encode())
    copy.stdin.close()
    assert copy.wait() == 0
PY
echo "vectors loaded: $(secs "$t" "$(now)") s"
t=$(now)
"$DTRAG" --data-dir "$A" models index all-MiniLM-L6-v2 >/dev/null
echo "HNSW index: $(secs "$t" "$(now)") s"
psql "$URL" -Atc "SELECT 'documents ' || (SELECT count(*) FROM document) || ', vectors ' || (SELECT count(*) FROM chunk_embedding) || ', database ' || pg_size_pretty(pg_database_size(current_database()))"

t=$(now)
"$DTRAG" --data-dir "$A" db backup "$FILE" >/dev/null
echo "backup: $(secs "$t" "$(now)") s, $(stat -c %s "$FILE") bytes"
t=$(now)
"$DTRAG" --data-dir "$B" --json db restore "$FILE" | python3 -c 'import json,sys; r=json.load(sys.stdin); print("restore verified:", r["verified"])'
echo "restore (into a new data directory, incl. its initdb): $(secs "$t" "$(now)") s"
