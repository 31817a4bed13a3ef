import { describe, expect, it } from "vitest";
import { ancestorsToExpand, childId, flatten, parentIndex, pathOf, rowId } from "./flatten";
import { CHILDREN, ROOTS } from "../test/fixtures";

const children = new Map(Object.entries(CHILDREN));

describe("flatten", () => {
  it("shows only the roots when nothing is expanded", () => {
    const rows = flatten({ roots: ROOTS, children, expanded: new Set() });
    expect(rows.map((r) => r.key)).toEqual(["animal", "plant"]);
    expect(rows.map((r) => r.depth)).toEqual([0, 0]);
    expect(rows[0].hasChildren).toBe(true);
    expect(rows[0].expanded).toBe(false);
    expect(rows[1].hasChildren).toBe(false);
  });

  it("shows a multi-parent node under each expanded parent, with distinct row ids", () => {
    const expanded = new Set([rowId(["animal"]), rowId(["animal", "mammal"]), rowId(["animal", "pet"])]);
    const rows = flatten({ roots: ROOTS, children, expanded });
    expect(rows.map((r) => `${r.depth}:${r.key}`)).toEqual([
      "0:animal",
      "1:mammal",
      "2:cat",
      "2:dog",
      "1:pet",
      "2:dog",
      "2:fish",
      "0:plant",
    ]);
    const dogs = rows.filter((r) => r.key === "dog");
    expect(dogs).toHaveLength(2);
    expect(dogs[0].id).not.toBe(dogs[1].id);
    expect(dogs.map((d) => d.parentKey)).toEqual(["mammal", "pet"]);
    expect(dogs.every((d) => d.isMultiParent && d.parentCount === 2)).toBe(true);
    expect(rows.find((r) => r.key === "cat")!.isMultiParent).toBe(false);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
  });

  it("expansion is per path: expanding under one parent does not expand the other", () => {
    const kids = new Map(children);
    kids.set("dog", [{ key: "puppy", label: "Puppy", child_count: 0, parent_count: 1 }]);
    const roots = ROOTS;
    const withDogKids = (map: Map<string, typeof ROOTS>) =>
      map.set("mammal", [{ key: "dog", label: "Dog", child_count: 1, parent_count: 2 }]).set("pet", [{ key: "dog", label: "Dog", child_count: 1, parent_count: 2 }]);
    withDogKids(kids);
    const expanded = new Set([rowId(["animal"]), rowId(["animal", "mammal"]), rowId(["animal", "pet"]), rowId(["animal", "pet", "dog"])]);
    const rows = flatten({ roots, children: kids, expanded });
    const puppies = rows.filter((r) => r.key === "puppy");
    expect(puppies).toHaveLength(1);
    expect(pathOf(puppies[0].id)).toEqual(["animal", "pet", "dog", "puppy"]);
    expect(puppies[0].depth).toBe(3);
  });

  it("collapsing a row hides its whole subtree but remembers nested expansion", () => {
    const expanded = new Set([rowId(["animal", "mammal"])]); // animal itself collapsed
    const rows = flatten({ roots: ROOTS, children, expanded });
    expect(rows.map((r) => r.key)).toEqual(["animal", "plant"]);
    const again = flatten({ roots: ROOTS, children, expanded: new Set([...expanded, rowId(["animal"])]) });
    expect(again.map((r) => r.key)).toEqual(["animal", "mammal", "cat", "dog", "pet", "plant"]);
  });

  it("marks an expanded row whose children are not loaded yet as loading", () => {
    const rows = flatten({ roots: ROOTS, children: new Map(), expanded: new Set(["animal"]) });
    expect(rows[0]).toMatchObject({ key: "animal", expanded: true, loading: true });
    expect(rows).toHaveLength(2);
  });

  it("never loops on a cycle in bad data", () => {
    const loop = new Map([["a", [{ key: "a", label: "A", child_count: 1, parent_count: 1 }]]]);
    const rows = flatten({ roots: [{ key: "a", label: "A", child_count: 1, parent_count: 1 }], children: loop, expanded: new Set(["a"]) });
    expect(rows.map((r) => r.key)).toEqual(["a"]);
  });

  it("finds parent rows and the ids to expand for a path", () => {
    const expanded = new Set([rowId(["animal"]), rowId(["animal", "pet"])]);
    const rows = flatten({ roots: ROOTS, children, expanded });
    const fish = rows.findIndex((r) => r.key === "fish");
    expect(rows[parentIndex(rows, fish)].key).toBe("pet");
    expect(parentIndex(rows, 0)).toBe(-1);
    expect(ancestorsToExpand(["animal", "pet", "dog"])).toEqual([rowId(["animal"]), rowId(["animal", "pet"])]);
    expect(childId(null, "x")).toBe("x");
    expect(childId(rowId(["a", "b"]), "c")).toBe(rowId(["a", "b", "c"]));
  });
});
