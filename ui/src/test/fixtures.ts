import type { ClassificationImpact, Diff, NodeDetails, NodeSummary, Version } from "../bindings";

export const n = (key: string, label: string, child_count = 0, parent_count = 1): NodeSummary => ({
  key,
  label,
  child_count,
  parent_count,
});

export const ROOTS: NodeSummary[] = [n("animal", "Animal", 2, 0), n("plant", "Plant", 0, 0)];

export const CHILDREN: Record<string, NodeSummary[]> = {
  animal: [n("mammal", "Mammal", 2), n("pet", "Pet", 2)],
  mammal: [n("cat", "Cat"), n("dog", "Dog", 0, 2)],
  pet: [n("dog", "Dog", 0, 2), n("fish", "Fish")],
  plant: [],
};

export const VERSIONS: Version[] = [1, 2, 3].map((v) => ({
  version: v,
  parent_version: v === 1 ? null : v - 1,
  created_at: `2025-11-2${v}T10:00:00Z`,
  author: "alice",
  message: `message ${v}`,
  kind: v === 1 ? "init" : v === 2 ? "import" : "edit",
  restored_from: null,
}));

export function details(key: string, version = 3): NodeDetails {
  const paths: Record<string, string[][]> = {
    animal: [["animal"]],
    plant: [["plant"]],
    mammal: [["animal", "mammal"]],
    pet: [["animal", "pet"]],
    cat: [["animal", "mammal", "cat"]],
    dog: [["animal", "mammal", "dog"], ["animal", "pet", "dog"]],
    fish: [["animal", "pet", "fish"]],
  };
  const all = [...ROOTS, ...Object.values(CHILDREN).flat()];
  const self = all.find((x) => x.key === key)!;
  return {
    version,
    key,
    label: self.label,
    alt_labels: [],
    description: `About ${self.label}`,
    parents: Object.entries(CHILDREN)
      .filter(([, kids]) => kids.some((k) => k.key === key))
      .map(([p]) => all.find((x) => x.key === p)!),
    children: CHILDREN[key] ?? [],
    paths: paths[key] ?? [[key]],
  };
}

export const NO_IMPACT: ClassificationImpact = { entries: [], sent_to_review: 0, carried_by_merge: 0, split_items: 0, restored: 0 };

export function emptyDiff(from: number, to: number): Diff {
  return {
    from,
    to,
    summary: { added: 0, removed: 0, renamed: 0, moved: 0, edited: 0 },
    added: [],
    removed: [],
    renamed: [],
    moved: [],
    edited: [],
    impact: NO_IMPACT,
    agent_scopes: [],
  };
}

export const SAMPLE_DIFF: Diff = {
  from: 2,
  to: 3,
  summary: { added: 1, removed: 1, renamed: 1, moved: 1, edited: 1 },
  added: [{ key: "fish", label: "Fish", alt_labels: [], description: "", parents: ["pet"] }],
  removed: [{ key: "bird", label: "Bird", alt_labels: [], description: "", parents: ["animal"] }],
  renamed: [{ key: "cat", before: "Kitty", after: "Cat" }],
  moved: [{ key: "dog", label: "Dog", before: ["mammal"], after: ["mammal", "pet"] }],
  edited: [
    {
      key: "mammal",
      label: "Mammal",
      before: { description: "warm blooded", alt_labels: ["mammalian"] },
      after: { description: "warm-blooded animal", alt_labels: ["mammalian", "Mammalia"] },
      description_diff: [
        { tag: "delete", text: "warm blooded" },
        { tag: "insert", text: "warm-blooded animal" },
      ],
    },
  ],
  impact: NO_IMPACT,
  agent_scopes: [],
};
