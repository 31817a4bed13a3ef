#!/usr/bin/env python3
"""Write tests/fixtures/minilm-reference.json: all-MiniLM-L6-v2 embeddings of a few varied
sentences computed by sentence-transformers itself, the reference tests/embed_local.rs checks the
Rust embedder (src/embed/local.rs) against.

Needs sentence-transformers (with torch) and the model folder `bash scripts/fetch-model.sh` makes:
    python3 scripts/make-embedding-fixture.py [MODEL_DIR] [OUT]
Runs offline (HF_HUB_OFFLINE=1).
"""

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
MODEL_DIR = ROOT / "target/dtrag-data/models/all-MiniLM-L6-v2"
OUT = ROOT / "tests/fixtures/minilm-reference.json"

LONG = (
    "Taxonomies organise knowledge into hierarchies of concepts, where each node names a "
    "category and its children refine it into narrower ones. In a retrieval-augmented "
    "generation system, documents are attached to the nodes of such a taxonomy, and a query is "
    "answered by first locating the relevant branch and then ranking the documents filed under "
    "it by the similarity of their embeddings to the embedding of the question. Because the "
    "taxonomy is versioned, every edit — adding a node, moving a subtree, merging two "
    "categories or splitting one — creates a new version that can be compared with the "
    "previous one and rolled back if it turns out to be a mistake. Directed acyclic graphs "
    "rather than trees allow a concept to have several parents, which reflects reality better: "
    "a tomato is both a fruit in the botanical sense and a vegetable in the culinary one. "
    "Embedding models such as all-MiniLM-L6-v2 map sentences to 384-dimensional vectors whose "
    "cosine similarity approximates semantic relatedness, and approximate nearest neighbour "
    "indexes such as HNSW make searching millions of them fast. This paragraph is deliberately "
    "long, well beyond two hundred and fifty-six word pieces, so that the tokenizer has to "
    "truncate it exactly where sentence-transformers does; if the Rust implementation "
    "truncated at a different length, or forgot the special tokens in its count, the "
    "resulting vector would drift away from the reference and the test would notice. "
    "Supercalifragilisticexpialidocious antidisestablishmentarianism floccinaucinihilipilification "
    "pneumonoultramicroscopicsilicovolcanoconiosis hippopotomonstrosesquippedaliophobia."
)

SENTENCES = [
    "dog",
    "A man is playing a guitar on the street.",
    "Animal > Mammal > Dog",
    "Science / Physics / Quantum mechanics",
    "the decade from 1530 to 1539",
    "Crème brûlée est un dessert français à base de crème et de sucre caramélisé.",
    "Ünïcödé àccênts: naïve café, São Paulo, Zürich, Ærøskøbing.",
    "東京は日本の首都です。北京是中国的首都。",
    "I love pizza 🍕🍕 and coffee ☕ — really! 🎉",
    "What?!... (yes) [no] {maybe}; \"quoted\" 'single' -- em—dash & ampersand #hash @at 100% $5",
    "The quick brown fox jumps over the lazy dog. " * 3,
    LONG,
    "",
]


def main() -> None:
    model_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else MODEL_DIR
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else OUT
    if not (model_dir / "model.safetensors").is_file():
        sys.exit(f"no model in {model_dir}: run `bash scripts/fetch-model.sh`")

    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(model_dir), device="cpu")
    assert model.max_seq_length == 256, model.max_seq_length
    n_long = len(model.tokenizer(LONG)["input_ids"])
    assert n_long > 256, f"the long sentence has only {n_long} tokens"

    embeddings = model.encode(
        SENTENCES, batch_size=32, convert_to_numpy=True, normalize_embeddings=False
    )
    data = {
        "model": "all-MiniLM-L6-v2",
        "sentences": SENTENCES,
        "embeddings": [[float(f"{x:.7g}") for x in row] for row in embeddings.tolist()],
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {out}: {len(SENTENCES)} sentences x {embeddings.shape[1]} dims "
          f"(long sentence: {n_long} tokens before truncation)")


if __name__ == "__main__":
    main()
