// Marks the words of a document's excerpt that also occur in the top suggestion's label or path,
// so a reviewer sees at a glance why the category was suggested. Cheap on purpose (no stemmer):
// lowercase words; a word that starts another (math / mathematics) or five shared first letters
// (physics / physical) count; short and common words never do.
import type { ReviewSuggestion } from "../bindings";

export type Piece = { text: string; hit: boolean };

const STOP = new Set(["and", "the", "for", "with", "from", "that", "this", "are", "its", "not", "but", "into", "other"]);

function words(s: string): string[] {
  return s
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= 3 && !STOP.has(w));
}

/** The words of a suggestion's label and of the labels (or keys) along its paths. */
export function suggestionTerms(s: ReviewSuggestion | undefined, labelOf: (key: string) => string = (k) => k): Set<string> {
  const out = new Set<string>();
  if (!s) return out;
  for (const w of words(s.label)) out.add(w);
  for (const path of s.paths) for (const key of path) for (const w of words(labelOf(key))) out.add(w);
  for (const w of words(s.category)) out.add(w);
  return out;
}

function matches(word: string, terms: ReadonlySet<string>): boolean {
  const w = word.toLowerCase();
  if (w.length < 3 || STOP.has(w)) return false;
  if (terms.has(w)) return true;
  for (const t of terms) {
    const [short, long] = t.length <= w.length ? [t, w] : [w, t];
    // math / mathematics, graph / graphs; physics / physical share five letters.
    if (short.length >= 4 && long.startsWith(short)) return true;
    if (short.length >= 5 && t.slice(0, 5) === w.slice(0, 5)) return true;
  }
  return false;
}

/** `text` cut into pieces, the words matching `terms` marked. */
export function highlight(text: string, terms: ReadonlySet<string>): Piece[] {
  if (terms.size === 0 || text === "") return text === "" ? [] : [{ text, hit: false }];
  const out: Piece[] = [];
  const re = /[\p{L}\p{N}]+/gu;
  let last = 0;
  for (const m of text.matchAll(re)) {
    const start = m.index ?? 0;
    if (!matches(m[0], terms)) continue;
    if (start > last) out.push({ text: text.slice(last, start), hit: false });
    out.push({ text: m[0], hit: true });
    last = start + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), hit: false });
  return out;
}
