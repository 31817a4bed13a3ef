import { describe, expect, it } from "vitest";
import { altLabelChange, changeKinds, keysOfKind, segments, summaryText, totalChanges } from "./diffView";
import { emptyDiff, SAMPLE_DIFF } from "./test/fixtures";

describe("diffView", () => {
  it("summarises the non-zero counts", () => {
    expect(summaryText(SAMPLE_DIFF.summary)).toBe("1 added, 1 removed, 1 renamed, 1 moved, 1 edited");
    expect(summaryText({ added: 3, removed: 0, renamed: 2, moved: 0, edited: 0 })).toBe("3 added, 2 renamed");
    expect(summaryText(emptyDiff(1, 2).summary)).toBe("no changes");
    expect(totalChanges(SAMPLE_DIFF.summary)).toBe(5);
  });

  it("gives each key its change kinds, for the tree highlights", () => {
    const m = changeKinds(SAMPLE_DIFF);
    expect(m.get("fish")).toEqual(["added"]);
    expect(m.get("bird")).toEqual(["removed"]);
    expect(m.get("cat")).toEqual(["renamed"]);
    expect(m.get("dog")).toEqual(["moved"]);
    expect(m.get("mammal")).toEqual(["edited"]);
    expect(m.has("animal")).toBe(false);
    expect(changeKinds(null).size).toBe(0);
  });

  it("lists several kinds for a node renamed and moved at once, in a fixed order", () => {
    const d = { ...SAMPLE_DIFF, renamed: [...SAMPLE_DIFF.renamed, { key: "dog", before: "Dog", after: "Hound" }] };
    expect(changeKinds(d).get("dog")).toEqual(["renamed", "moved"]);
    expect([...keysOfKind(d, "renamed")].sort()).toEqual(["cat", "dog"]);
  });

  it("turns description spans into del / ins segments", () => {
    expect(segments([{ tag: "equal", text: "a " }, { tag: "delete", text: "b" }, { tag: "insert", text: "c" }])).toEqual([
      { kind: "equal", text: "a " },
      { kind: "delete", text: "b" },
      { kind: "insert", text: "c" },
    ]);
  });

  it("computes alternative labels removed and added", () => {
    expect(altLabelChange(["a", "b"], ["b", "c"])).toEqual({ removed: ["a"], added: ["c"] });
  });
});
