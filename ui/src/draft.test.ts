import { describe, expect, it } from "vitest";
import { addOps, describeOp, discard, draftOps, emptyDraft, pendingLabels, rebase, touchedKeys, undoLast } from "./draft";
import type { EditOp } from "./bindings";

const rename: EditOp = { op: "rename", key: "dog", label: "Hound" };
const addParent: EditOp = { op: "add_parent", key: "dog", parent: "pet" };
const removeParent: EditOp = { op: "remove_parent", key: "dog", parent: "mammal" };

describe("draft", () => {
  it("fixes the base at the head of the first operation", () => {
    let d = addOps(emptyDraft, [rename], 7);
    expect(d.base).toBe(7);
    d = addOps(d, [addParent], 9);
    expect(d.base).toBe(7);
    expect(draftOps(d)).toEqual([rename, addParent]);
  });

  it("undoes the last step, including every operation added with it", () => {
    let d = addOps(emptyDraft, [rename], 3);
    d = addOps(d, [addParent, removeParent], 3);
    expect(draftOps(d)).toHaveLength(3);
    d = undoLast(d);
    expect(draftOps(d)).toEqual([rename]);
    expect(d.base).toBe(3);
    d = undoLast(d);
    expect(draftOps(d)).toEqual([]);
    expect(d.base).toBeNull();
    expect(undoLast(d)).toBe(d);
  });

  it("discards everything and rebases onto a new head", () => {
    const d = addOps(addOps(emptyDraft, [rename], 3), [addParent], 3);
    const gone = discard(d);
    expect(gone.entries).toHaveLength(0);
    expect(gone.base).toBeNull();
    expect(rebase(d, 5).base).toBe(5);
    expect(draftOps(rebase(d, 5))).toEqual(draftOps(d));
    expect(rebase(emptyDraft, 5).base).toBeNull();
  });

  it("ignores an empty step", () => {
    expect(addOps(emptyDraft, [], 4)).toBe(emptyDraft);
  });

  it("describes every operation in words", () => {
    const label = (k: string) => ({ dog: "Dog", pet: "Pet", mammal: "Mammal" })[k] ?? k;
    expect(describeOp(rename, label)).toBe("Rename “Dog” (dog) to “Hound”");
    expect(describeOp(addParent, label)).toBe("Add “Pet” (pet) as a parent of “Dog” (dog)");
    expect(describeOp(removeParent, label)).toBe("Remove “Mammal” (mammal) as a parent of “Dog” (dog)");
    expect(describeOp({ op: "delete", key: "x", cascade: false })).toBe("Delete “x”");
    expect(describeOp({ op: "delete", key: "x", cascade: true })).toContain("children left without a parent");
    expect(describeOp({ op: "move", key: "x", parents: [] })).toBe("Make “x” a root");
    expect(describeOp({ op: "move", key: "x", parents: ["a", "b"] })).toBe("Move “x” under “a”, “b”");
    expect(describeOp({ op: "merge", from: "a", into: "b" })).toBe("Merge “a” into “b”");
    expect(describeOp({ op: "add", key: "k", label: "K", alt_labels: [], description: "", parents: ["p"] })).toBe("Add “K” (k) under “p”");
    expect(describeOp({ op: "add", key: "k", label: "K", alt_labels: [], description: "", parents: [] })).toBe("Add “K” (k) as a root");
    expect(describeOp({ op: "set_description", key: "x", description: "" })).toBe("Clear the description of “x”");
    expect(describeOp({ op: "set_description", key: "x", description: "d" })).toBe("Set the description of “x”");
    expect(describeOp({ op: "set_alt_labels", key: "x", alt_labels: ["A", "B"] })).toBe("Set the alternative labels of “x” to “A”, “B”");
  });

  it("knows pending labels and touched keys", () => {
    const d = addOps(emptyDraft, [rename, { op: "merge", from: "a", into: "b" }], 1);
    expect(pendingLabels(d).get("dog")).toBe("Hound");
    expect([...touchedKeys(d)].sort()).toEqual(["a", "b", "dog"]);
  });
});
