// What to show for a diff: the summary line, the change kind of each key (tree highlights) and
// the pieces of a word diff.
import type { Diff, DiffSpan, Extra, Summary } from "./bindings";

export type ChangeKind = "added" | "removed" | "renamed" | "moved" | "edited";

export const CHANGE_KINDS: readonly ChangeKind[] = ["added", "removed", "renamed", "moved", "edited"];

export const KIND_LABEL: Record<ChangeKind, string> = {
  added: "Added",
  removed: "Removed",
  renamed: "Renamed",
  moved: "Moved",
  edited: "Edited",
};

export function totalChanges(s: Summary): number {
  return s.added + s.removed + s.renamed + s.moved + s.edited;
}

/** "2 added, 1 renamed" (only the non-zero counts), or "no changes". */
export function summaryText(s: Summary): string {
  const parts = CHANGE_KINDS.filter((k) => s[k] > 0).map((k) => `${s[k]} ${k}`);
  return parts.length === 0 ? "no changes" : parts.join(", ");
}

/**
 * The change kinds of every key in the diff, in CHANGE_KINDS order (a node can be renamed and
 * moved at once). The first kind is the one a row is coloured with.
 */
export function changeKinds(diff: Diff | null): Map<string, ChangeKind[]> {
  const m = new Map<string, ChangeKind[]>();
  if (!diff) return m;
  const add = (key: string, kind: ChangeKind) => {
    const kinds = m.get(key);
    if (!kinds) m.set(key, [kind]);
    else if (!kinds.includes(kind)) kinds.push(kind);
  };
  for (const e of diff.added) add(e.key, "added");
  for (const e of diff.removed) add(e.key, "removed");
  for (const e of diff.renamed) add(e.key, "renamed");
  for (const e of diff.moved) add(e.key, "moved");
  for (const e of diff.edited) add(e.key, "edited");
  return m;
}

/**
 * The tree highlights of a quality finding's nodes: shown as "edited" (the tree has one set of
 * highlight colours; a finding marks nodes to look at, as an edit does).
 */
export function findingKinds(keys: readonly string[]): Map<string, ChangeKind[]> {
  return new Map(keys.map((k) => [k, ["edited"] as ChangeKind[]]));
}

/** The keys to highlight for one kind. */
export function keysOfKind(diff: Diff | null, kind: ChangeKind): Set<string> {
  if (!diff) return new Set();
  return new Set(diff[kind].map((e) => e.key));
}

export type Segment = { kind: "equal" | "delete" | "insert"; text: string };

/** The spans of `description_diff` as segments to render as text / <del> / <ins>. */
export function segments(spans: readonly DiffSpan[]): Segment[] {
  return spans.map((s) => ({
    kind: s.tag === "delete" ? "delete" : s.tag === "insert" ? "insert" : "equal",
    text: s.text,
  }));
}

/** The alternative labels removed and added between two lists. */
export function altLabelChange(before: readonly string[], after: readonly string[]): { removed: string[]; added: string[] } {
  const b = new Set(before);
  const a = new Set(after);
  return { removed: before.filter((x) => !a.has(x)), added: after.filter((x) => !b.has(x)) };
}

export function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The usual prefixes a kept statement's property is shortened with. */
const PREFIXES: readonly [string, string][] = [
  ["skos:", "http://www.w3.org/2004/02/skos/core#"],
  ["dct:", "http://purl.org/dc/terms/"],
  ["owl:", "http://www.w3.org/2002/07/owl#"],
  ["rdfs:", "http://www.w3.org/2000/01/rdf-schema#"],
];

function shortIri(iri: string): string {
  const p = PREFIXES.find(([, ns]) => iri.startsWith(ns) && iri.length > ns.length);
  return p ? p[0] + iri.slice(p[1].length) : `<${iri}>`;
}

/** A kept statement (extra) as one line: `skos:notation "S1"`, `skos:prefLabel "Wissenschaft"@de`. */
export function extraText(e: Extra): string {
  const o = e.object;
  let value: string;
  if ("iri" in o) value = shortIri(o.iri);
  else {
    const l = o.literal;
    value = JSON.stringify(l.value) + (l.lang ? `@${l.lang}` : l.datatype ? `^^${shortIri(l.datatype)}` : "");
  }
  return `${shortIri(e.property)} ${value}`;
}
