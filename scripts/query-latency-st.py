#!/usr/bin/env python3
"""Latency of one short query at a time through sentence-transformers (all-MiniLM-L6-v2, CPU),
the side-by-side yardstick for the Rust query embedding in `dtrag bench search`.

    query-latency-st.py QUERIES_JSON THREADS

QUERIES_JSON: a JSON array of strings. Each is embedded alone (`model.encode(q)`), after a warm-up
pass, as a search box would. Prints one JSON line: {"threads": T, "ms": [one latency per query]}.
Model: target/dtrag-data/models/all-MiniLM-L6-v2 (scripts/fetch-model.sh). Offline.
"""
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import torch  # noqa: E402
from sentence_transformers import SentenceTransformer  # noqa: E402

MODEL_DIR = Path(__file__).resolve().parent.parent / "target/dtrag-data/models/all-MiniLM-L6-v2"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    queries = json.load(open(sys.argv[1], encoding="utf-8"))
    threads = int(sys.argv[2])
    torch.set_num_threads(threads)
    model = SentenceTransformer(str(MODEL_DIR), device="cpu")
    for q in queries[:20]:
        model.encode(q, normalize_embeddings=True)
    times = []
    for q in queries:
        start = time.perf_counter()
        model.encode(q, normalize_embeddings=True)
        times.append((time.perf_counter() - start) * 1e3)
    print(json.dumps({"threads": threads, "ms": times}))


if __name__ == "__main__":
    main()
