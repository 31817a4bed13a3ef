// What a taxonomy change does to classified documents, in words (a diff's `impact`). A preview
// says what will happen, a diff between published versions what did.
import type { ClassificationImpact, ImpactEntry } from "../bindings";

export type ImpactLine = { change: string; documents: number; text: string; entries: ImpactEntry[] };

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function sum(entries: readonly ImpactEntry[]): number {
  return entries.reduce((a, e) => a + e.documents, 0);
}

/** One line per kind of change that touches documents, in a fixed order. */
export function impactLines(impact: ClassificationImpact, preview: boolean): ImpactLine[] {
  const by = (change: string) => impact.entries.filter((e) => e.change === change);
  const out: ImpactLine[] = [];
  const add = (change: string, text: (n: number) => string) => {
    const entries = by(change);
    const n = sum(entries);
    if (entries.length > 0) out.push({ change, documents: n, text: text(n), entries });
  };
  add("removed", (n) => `${plural(n, "document", "documents")} ${preview ? "will go" : "went"} to review (category removed)`);
  add("split", (n) => `${plural(n, "document", "documents")} ${preview ? "will go" : "went"} to review (their category gains children)`);
  add("merged", (n) => `${plural(n, "classification", "classifications")} ${preview ? "will follow" : "followed"} the merge`);
  add("moved", (n) => `${plural(n, "classified document is", "classified documents are")} under moved categories`);
  if (impact.restored > 0) {
    out.push({
      change: "restored",
      documents: impact.restored,
      text: `${plural(impact.restored, "classification or review item", "classifications and review items")} ${preview ? "will be" : "were"} restored`,
      entries: [],
    });
  }
  return out;
}
