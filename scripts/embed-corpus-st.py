#!/usr/bin/env python3
"""Embeds a corpus with sentence-transformers (all-MiniLM-L6-v2, CPU, 2 torch threads) for
`dtrag bench search`: the benchmark hands over its chunk texts and reads the vectors back, and
records the throughput as the sentence-transformers yardstick for the Rust embedder.

    embed-corpus-st.py TEXTS_JSON OUT_F32

TEXTS_JSON: a JSON array of strings. OUT_F32: len(texts) x 384 little-endian float32,
L2-normalised. Prints one line: `sentence-transformers: N texts in S s = R texts/s`.
Model: target/dtrag-data/models/all-MiniLM-L6-v2 (scripts/fetch-model.sh). Offline.
"""
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
from sentence_transformers import SentenceTransformer  # noqa: E402

MODEL_DIR = Path(__file__).resolve().parent.parent / "target/dtrag-data/models/all-MiniLM-L6-v2"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    texts = json.load(open(sys.argv[1], encoding="utf-8"))
    torch.set_num_threads(2)
    model = SentenceTransformer(str(MODEL_DIR), device="cpu")
    start = time.perf_counter()
    vectors = model.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
    took = time.perf_counter() - start
    np.asarray(vectors, dtype="<f4").tofile(sys.argv[2])
    print(f"sentence-transformers: {len(texts)} texts in {took:.1f} s = {len(texts) / took:.1f} texts/s")


main()
