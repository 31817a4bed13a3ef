#!/usr/bin/env python3
"""Throughput of sentence-transformers for all-MiniLM-L6-v2 on CPU, the yardstick for the Rust
embedder (src/embed/local.rs): embeds the glosses of the first N WordNet nouns (default 5000) in
batches of 32 with 2 torch threads and prints
    sentence-transformers: N texts in S s = R texts/s

Texts: target/dtrag-data/wordnet-3.0-nouns-docs.jsonl if present, else
target/dtrag-data/wordnet-3.0-nouns.jsonl (`bash scripts/fetch-wordnet.sh`), one JSON object a
line; the text is its gloss (`description`, or `text`/`body`/`content` in the documents file).
Model: target/dtrag-data/models/all-MiniLM-L6-v2 (`bash scripts/fetch-model.sh`). Offline.

    python3 scripts/bench-embed-st.py [N] [--threads T] [--batch-size B]
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "target/dtrag-data"
SOURCES = [DATA / "wordnet-3.0-nouns-docs.jsonl", DATA / "wordnet-3.0-nouns.jsonl"]
MODEL_DIR = DATA / "models/all-MiniLM-L6-v2"
TEXT_FIELDS = ("description", "gloss", "text", "body", "content")


def load_texts(n: int) -> tuple[Path, list[str]]:
    source = next((p for p in SOURCES if p.is_file()), None)
    if source is None:
        sys.exit(f"none of {', '.join(map(str, SOURCES))}: run `bash scripts/fetch-wordnet.sh`")
    texts = []
    with open(source, encoding="utf-8") as f:
        for line in f:
            if len(texts) >= n:
                break
            if not line.strip():
                continue
            row = json.loads(line)
            text = next((row[k] for k in TEXT_FIELDS if isinstance(row.get(k), str)), None)
            if text is None:
                sys.exit(f"{source}: no text field ({', '.join(TEXT_FIELDS)}) in: {line[:200]}")
            texts.append(text)
    return source, texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=5000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--model", type=Path, default=MODEL_DIR)
    args = parser.parse_args()

    source, texts = load_texts(args.n)
    if not (args.model / "model.safetensors").is_file():
        sys.exit(f"no model in {args.model}: run `bash scripts/fetch-model.sh`")

    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(args.threads)
    model = SentenceTransformer(str(args.model), device="cpu")
    model.encode(texts[: args.batch_size], batch_size=args.batch_size)  # warm-up

    start = time.perf_counter()
    vectors = model.encode(texts, batch_size=args.batch_size, convert_to_numpy=True)
    seconds = time.perf_counter() - start
    assert vectors.shape == (len(texts), 384), vectors.shape
    print(f"# {source.name}, batch size {args.batch_size}, torch threads {torch.get_num_threads()}",
          file=sys.stderr)
    print(f"sentence-transformers: {len(texts)} texts in {seconds:.2f} s = "
          f"{len(texts) / seconds:.1f} texts/s")


if __name__ == "__main__":
    main()
