// The edit draft: operations collected before publishing, as one change set on a base version.
import type { EditOp } from "./bindings";

export type DraftEntry = {
  op: EditOp;
  /** Operations added together (e.g. a drag = add_parent + remove_parent) are undone together. */
  group: number;
};

export type Draft = {
  /** The version the first operation was made on (the head then); null while empty. */
  base: number | null;
  entries: readonly DraftEntry[];
  nextGroup: number;
};

export const emptyDraft: Draft = { base: null, entries: [], nextGroup: 1 };

/** Adds `ops` as one undoable step; the first step fixes the base version. */
export function addOps(draft: Draft, ops: readonly EditOp[], head: number): Draft {
  if (ops.length === 0) return draft;
  const group = draft.nextGroup;
  return {
    base: draft.entries.length === 0 ? head : draft.base,
    entries: [...draft.entries, ...ops.map((op) => ({ op, group }))],
    nextGroup: group + 1,
  };
}

/** Removes the last step (all operations added with it). */
export function undoLast(draft: Draft): Draft {
  const last = draft.entries[draft.entries.length - 1];
  if (!last) return draft;
  const entries = draft.entries.filter((e) => e.group !== last.group);
  return { ...draft, entries, base: entries.length === 0 ? null : draft.base };
}

export function discard(draft: Draft): Draft {
  return { ...emptyDraft, nextGroup: draft.nextGroup };
}

export function rebase(draft: Draft, head: number): Draft {
  return draft.entries.length === 0 ? draft : { ...draft, base: head };
}

export function draftOps(draft: Draft): EditOp[] {
  return draft.entries.map((e) => e.op);
}

function quoted(s: string): string {
  return `“${s}”`;
}

function list(keys: readonly string[]): string {
  return keys.length === 0 ? "(none)" : keys.map(quoted).join(", ");
}

/**
 * One operation in words. `label` gives the display label of a key when known (the key itself
 * otherwise).
 */
export function describeOp(op: EditOp, label: (key: string) => string = (k) => k): string {
  const n = (key: string) => {
    const l = label(key);
    return l && l !== key ? `${quoted(l)} (${key})` : quoted(key);
  };
  switch (op.op) {
    case "add":
      return `Add ${quoted(op.label)} (${op.key})` +
        (op.parents.length > 0 ? ` under ${op.parents.map(n).join(", ")}` : " as a root");
    case "rename":
      return `Rename ${n(op.key)} to ${quoted(op.label)}`;
    case "set_description":
      return op.description === ""
        ? `Clear the description of ${n(op.key)}`
        : `Set the description of ${n(op.key)}`;
    case "set_alt_labels":
      return `Set the alternative labels of ${n(op.key)} to ${list(op.alt_labels)}`;
    case "add_parent":
      return `Add ${n(op.parent)} as a parent of ${n(op.key)}`;
    case "remove_parent":
      return `Remove ${n(op.parent)} as a parent of ${n(op.key)}`;
    case "move":
      return op.parents.length === 0
        ? `Make ${n(op.key)} a root`
        : `Move ${n(op.key)} under ${op.parents.map(n).join(", ")}`;
    case "delete":
      return op.cascade
        ? `Delete ${n(op.key)} and the children left without a parent`
        : `Delete ${n(op.key)}`;
    case "merge":
      return `Merge ${n(op.from)} into ${n(op.into)}`;
  }
}

/** The label each key will have after the draft's renames (for showing pending renames). */
export function pendingLabels(draft: Draft): Map<string, string> {
  const m = new Map<string, string>();
  for (const { op } of draft.entries) {
    if (op.op === "rename") m.set(op.key, op.label);
    if (op.op === "add") m.set(op.key, op.label);
  }
  return m;
}

/** The keys the draft touches (for marking rows). */
export function touchedKeys(draft: Draft): Set<string> {
  const s = new Set<string>();
  for (const { op } of draft.entries) {
    if (op.op === "merge") {
      s.add(op.from);
      s.add(op.into);
    } else {
      s.add(op.key);
    }
  }
  return s;
}
