#!/usr/bin/env python3
"""Build the search benchmark corpus from WordNet 3.0: one document per synset, all parts of speech.

    wordnet_glosses.py NOUNS_JSONL WORDNET_DICT_DIR OUTPUT_JSONL

Each line: {"id", "title", "text", "categories"}. Noun synsets come from the converted noun
hierarchy (NOUNS_JSONL, see wordnet_to_jsonl.py): id = the synset's sense key, classified under
its own taxonomy node. Verb, adjective and adverb synsets come from data.verb/adj/adv: id =
"wn30-<pos>-<offset>", no category (they are in the corpus, out of every category scope).
text = "<lemmas>. <gloss>". Python 3 standard library only.
"""
import json
import os
import sys


def other_pos(path, pos):
    raw = open(path, "rb").read().decode("utf-8", errors="replace")
    for line in raw.splitlines():
        if not line or line.startswith("  "):
            continue
        data, _, gloss = line.partition(" | ")
        f = data.split()
        offset, w_cnt = f[0], int(f[3], 16)
        lemmas = [f[4 + 2 * i].split("(")[0].replace("_", " ") for i in range(w_cnt)]
        yield {
            "id": f"wn30-{pos}-{offset}",
            "title": lemmas[0],
            "text": f"{', '.join(lemmas)}. {gloss.strip()}",
            "categories": [],
        }


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    nouns, dict_dir, out = sys.argv[1:]
    n = 0
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as w:
        for line in open(nouns, encoding="utf-8"):
            node = json.loads(line)
            words = [node["label"]] + node.get("alt_labels", [])
            doc = {
                "id": node["key"],
                "title": node["label"],
                "text": f"{', '.join(words)}. {node.get('description', '')}",
                "categories": [node["key"]],
            }
            w.write(json.dumps(doc, ensure_ascii=False) + "\n")
            n += 1
        for pos, name in (("v", "data.verb"), ("a", "data.adj"), ("r", "data.adv")):
            for doc in other_pos(os.path.join(dict_dir, name), pos):
                w.write(json.dumps(doc, ensure_ascii=False) + "\n")
                n += 1
    os.replace(tmp, out)
    print(f"wordnet_glosses: {n} documents -> {out}", file=sys.stderr)


main()
