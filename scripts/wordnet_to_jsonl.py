#!/usr/bin/env python3
"""Convert a WordNet data.noun file into JSON Lines, one noun synset per line.

    wordnet_to_jsonl.py DATA_NOUN OUTPUT_JSONL

Each line: {"key": SENSEKEY, "label": str, "alt_labels": [str...],
            "description": str, "parents": [SENSEKEY...]}

key is the sense key of the synset's first lemma, ``lemma%1:LL:II::`` (lemma lowercased,
LL = lexicographer file number, II = lex_id, both two decimal digits). It is stable across
WordNet releases, unlike synset offsets. parents are the keys of the synsets reached through
hypernym (@) and instance-hypernym (@i) pointers. Output is sorted by key.

The result is always checked: unique keys, every parent exists, no cycle. Counts go to stderr.
Python 3 standard library only.
"""
import json
import os
import re
import sys

PARENT_POINTERS = {"@", "@i"}
MARKER = re.compile(r"\((?:a|p|ip)\)$")  # adjective syntactic markers (data.adj only)


def die(msg):
    print(f"wordnet_to_jsonl: error: {msg}", file=sys.stderr)
    sys.exit(1)


def read_text(path):
    raw = open(path, "rb").read()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def clean_lemma(word):
    return MARKER.sub("", word)


def parse(path):
    """Yield dicts: offset, lexfile, lemmas [(word, lex_id)], pointers [(sym, offset, pos)], gloss."""
    for lineno, line in enumerate(read_text(path).splitlines(), 1):
        if not line or line.startswith("  "):  # license header
            continue
        data, sep, gloss = line.partition(" | ")
        if not sep:
            data, gloss = line.rstrip(), ""
            if data.endswith(" |"):
                data = data[:-2]
        f = data.split()
        try:
            offset, lexfile, ss_type = f[0], int(f[1]), f[2]
            if ss_type != "n":
                die(f"{path}:{lineno}: synset type {ss_type!r}, expected 'n'")
            w_cnt = int(f[3], 16)
            i = 4
            lemmas = []
            for _ in range(w_cnt):
                lemmas.append((clean_lemma(f[i]), int(f[i + 1], 16)))
                i += 2
            p_cnt = int(f[i])
            i += 1
            pointers = []
            for _ in range(p_cnt):
                pointers.append((f[i], f[i + 1], f[i + 2]))
                i += 4
        except (IndexError, ValueError) as e:
            die(f"{path}:{lineno}: cannot parse synset line ({e})")
        yield {
            "offset": offset,
            "lexfile": lexfile,
            "lemmas": lemmas,
            "pointers": pointers,
            "gloss": gloss.strip(),
        }


def sense_key(lemma, lexfile, lex_id):
    return f"{lemma.lower()}%1:{lexfile:02d}:{lex_id:02d}::"


def convert(path):
    synsets = list(parse(path))
    # offset -> key, detecting collisions of the first-lemma sense key.
    by_key = {}
    for s in synsets:
        lemma, lex_id = s["lemmas"][0]
        s["key"] = sense_key(lemma, s["lexfile"], lex_id)
        by_key.setdefault(s["key"], []).append(s)
    collisions = {k: v for k, v in by_key.items() if len(v) > 1}
    for k, group in sorted(collisions.items()):
        offsets = ", ".join(s["offset"] for s in group)
        print(f"wordnet_to_jsonl: key collision {k} (offsets {offsets}); "
              f"disambiguating all but the lowest offset with #OFFSET", file=sys.stderr)
        for s in sorted(group, key=lambda s: s["offset"])[1:]:
            s["key"] = f"{k}#{s['offset']}"
    key_of = {s["offset"]: s["key"] for s in synsets}

    records = []
    for s in synsets:
        label = s["lemmas"][0][0].replace("_", " ")
        alts = []
        for word, _ in s["lemmas"][1:]:
            alt = word.replace("_", " ")
            if alt != label and alt not in alts:
                alts.append(alt)
        parents = set()
        for sym, target, pos in s["pointers"]:
            if sym in PARENT_POINTERS:
                if pos != "n":
                    die(f"offset {s['offset']}: {sym} pointer to pos {pos!r}")
                if target not in key_of:
                    die(f"offset {s['offset']}: {sym} pointer to unknown offset {target}")
                parents.add(key_of[target])
        records.append({
            "key": s["key"],
            "label": label,
            "alt_labels": alts,
            "description": s["gloss"],
            "parents": sorted(parents),
        })
    records.sort(key=lambda r: r["key"])
    return records, len(collisions)


def check(records):
    """Unique keys, parents exist, no cycle (Kahn). Returns list of roots."""
    keys = [r["key"] for r in records]
    if len(set(keys)) != len(keys):
        die("duplicate keys in output")
    known = set(keys)
    children = {k: [] for k in keys}
    indeg = {}
    for r in records:
        for p in r["parents"]:
            if p not in known:
                die(f"{r['key']}: parent {p} does not exist")
            if p == r["key"]:
                die(f"{r['key']}: is its own parent")
            children[p].append(r["key"])
        indeg[r["key"]] = len(r["parents"])
    roots = [k for k in keys if indeg[k] == 0]
    queue, seen = list(roots), 0
    while queue:
        k = queue.pop()
        seen += 1
        for c in children[k]:
            indeg[c] -= 1
            if indeg[c] == 0:
                queue.append(c)
    if seen != len(keys):
        die(f"cycle: {len(keys) - seen} synsets are on or below a cycle")
    return roots


def main(argv):
    if len(argv) != 3 or argv[1].startswith("-"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    src, dst = argv[1], argv[2]
    records, n_collisions = convert(src)
    roots = check(records)
    edges = sum(len(r["parents"]) for r in records)
    multi = sum(1 for r in records if len(r["parents"]) > 1)

    os.makedirs(os.path.dirname(os.path.abspath(dst)), exist_ok=True)
    tmp = dst + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as out:
        for r in records:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
    os.replace(tmp, dst)

    root_labels = ", ".join(sorted(roots)[:5]) + (" ..." if len(roots) > 5 else "")
    print(f"{os.path.basename(dst)}: synsets={len(records)} edges={edges} "
          f"multi_parent={multi} roots={len(roots)} ({root_labels}) "
          f"key_collisions={n_collisions}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
