import { describe, expect, it } from "vitest";
import type { ClassificationImpact, ReviewItem, ReviewSuggestion } from "../bindings";
import { highlight, suggestionTerms } from "./highlight";
import { impactLines } from "./impact";
import { mergeFetched, putFirst } from "./queue";
import { decisionText, whyText } from "./text";

const sug = (over: Partial<ReviewSuggestion> = {}): ReviewSuggestion => ({
  category: "science.physics",
  label: "Physics",
  confidence: 0.6,
  method: "classifier",
  vote: 0.75,
  text_similarity: 0.4321,
  paths: [["knowledge", "science", "science.physics"]],
  ...over,
});

const item = (id: number): ReviewItem => ({
  id,
  document: `doc-${id}`,
  title: `Doc ${id}`,
  excerpt: "",
  reason: "low_confidence",
  status: "open",
  top_confidence: 0.5,
  margin: 0.1,
  impact: 1,
  created_at: "2025-01-01T00:00:00Z",
  lease_owner: null,
  lease_until: null,
  context: null,
  current: [],
  suggestions: [],
});

describe("excerpt highlights", () => {
  it("marks the words shared with the top suggestion's label and path", () => {
    const terms = suggestionTerms(sug(), (k) => ({ knowledge: "Knowledge", science: "Science", "science.physics": "Physics" })[k] ?? k);
    const pieces = highlight("Physical science: how the falling bodies of physics behave.", terms);
    expect(pieces.filter((p) => p.hit).map((p) => p.text)).toEqual(["Physical", "science", "physics"]);
    expect(pieces.map((p) => p.text).join("")).toBe("Physical science: how the falling bodies of physics behave.");
  });

  it("ignores short and common words, and a word that only shares its first letters", () => {
    const terms = suggestionTerms(sug({ label: "Data and the web", category: "tech.db", paths: [] }));
    expect(highlight("the date and data", terms).filter((p) => p.hit).map((p) => p.text)).toEqual(["data"]);
    expect(highlight("no terms", new Set())).toEqual([{ text: "no terms", hit: false }]);
    expect(highlight("", terms)).toEqual([]);
  });
});

describe("the local queue", () => {
  it("appends fetched items it does not hold, never one being decided", () => {
    const q = [item(1), item(2)];
    expect(mergeFetched(q, [item(2), item(3), item(4), item(5)], new Set([4])).map((i) => i.id)).toEqual([1, 2, 3, 5]);
    expect(putFirst(q, item(2)).map((i) => i.id)).toEqual([2, 1]);
    expect(putFirst(q, item(9)).map((i) => i.id)).toEqual([9, 1, 2]);
  });
});

describe("wording", () => {
  it("says why a category is suggested", () => {
    expect(whyText(sug())).toBe("similar labelled documents 75 % · description match 0.43");
    expect(whyText(sug({ method: "parent", vote: null, text_similarity: null }))).toBe("parent of the removed category");
    expect(whyText(sug({ method: "split", vote: null, text_similarity: null }))).toBe("new child of the split category");
    expect(decisionText({ action: "reassign", accepted: ["a", "b"] })).toBe("reassigned to a, b");
    expect(decisionText({ action: "reject", accepted: [] })).toBe("rejected");
  });

  it("says what a change does to classified documents, in the tense of a preview or a diff", () => {
    const impact: ClassificationImpact = {
      entries: [
        { key: "science.physics", change: "removed", documents: 2, sample: ["a", "b"] },
        { key: "tech.old", change: "merged", documents: 1, sample: ["c"] },
      ],
      sent_to_review: 2,
      carried_by_merge: 1,
      split_items: 0,
      restored: 0,
    };
    expect(impactLines(impact, true).map((l) => l.text)).toEqual([
      "2 documents will go to review (category removed)",
      "1 classification will follow the merge",
    ]);
    expect(impactLines(impact, false)[0].text).toBe("2 documents went to review (category removed)");
    expect(impactLines({ ...impact, entries: [], restored: 3 }, true).map((l) => l.text)).toEqual([
      "3 classifications and review items will be restored",
    ]);
    expect(impactLines({ ...impact, entries: [] }, true)).toEqual([]);
  });
});
