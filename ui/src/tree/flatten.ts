// The visible rows of the DAG drawn as a tree: a node with several parents appears under each of
// them, so a row is identified by its path (the keys from a root down to it), not by its key.
import type { NodeSummary } from "../bindings";

export type Row = {
  /** The path from a root to this row, as a string: unique among the rows. */
  id: string;
  key: string;
  label: string;
  depth: number;
  hasChildren: boolean;
  childCount: number;
  parentCount: number;
  /** The node has several parents: it is also shown elsewhere. */
  isMultiParent: boolean;
  expanded: boolean;
  /** Expanded but its children are not loaded yet. */
  loading: boolean;
  /** The key of the parent this row is shown under (null for a root). */
  parentKey: string | null;
  parentId: string | null;
};

/** Keys cannot contain control characters (check_key), so this separator never occurs in one. */
export const SEP = "\u001f";

export function rowId(path: readonly string[]): string {
  return path.join(SEP);
}

export function childId(parentId: string | null, key: string): string {
  return parentId === null ? key : parentId + SEP + key;
}

export function pathOf(id: string): string[] {
  return id.split(SEP);
}

export type FlattenInput = {
  roots: readonly NodeSummary[];
  /** Loaded children by parent key (children do not depend on the path to the parent). */
  children: ReadonlyMap<string, readonly NodeSummary[]>;
  /** Expanded row ids. */
  expanded: ReadonlySet<string>;
};

export function flatten({ roots, children, expanded }: FlattenInput): Row[] {
  const rows: Row[] = [];
  // Explicit stack (depth-first, in order) so a deep hierarchy cannot overflow the call stack.
  type Item = { node: NodeSummary; depth: number; parentId: string | null; parentKey: string | null; onPath: ReadonlySet<string> };
  const stack: Item[] = [];
  for (let i = roots.length - 1; i >= 0; i--) {
    stack.push({ node: roots[i], depth: 0, parentId: null, parentKey: null, onPath: new Set() });
  }
  while (stack.length > 0) {
    const { node, depth, parentId, parentKey, onPath } = stack.pop()!;
    const id = childId(parentId, node.key);
    const hasChildren = node.child_count > 0;
    const isExpanded = hasChildren && expanded.has(id);
    const kids = isExpanded ? children.get(node.key) : undefined;
    rows.push({
      id,
      key: node.key,
      label: node.label,
      depth,
      hasChildren,
      childCount: node.child_count,
      parentCount: node.parent_count,
      isMultiParent: node.parent_count > 1,
      expanded: isExpanded,
      loading: isExpanded && kids === undefined,
      parentKey,
      parentId,
    });
    if (kids) {
      // A DAG has no cycle, but never loop forever on bad data.
      const path = new Set(onPath).add(node.key);
      for (let i = kids.length - 1; i >= 0; i--) {
        if (path.has(kids[i].key)) continue;
        stack.push({ node: kids[i], depth: depth + 1, parentId: id, parentKey: node.key, onPath: path });
      }
    }
  }
  return rows;
}

/** Index of the parent row of rows[index] (-1 for a root). */
export function parentIndex(rows: readonly Row[], index: number): number {
  const row = rows[index];
  if (!row || row.parentId === null) return -1;
  for (let i = index - 1; i >= 0; i--) {
    if (rows[i].id === row.parentId) return i;
  }
  return -1;
}

/** The ids to expand so that the node at the end of `path` (root first) is visible. */
export function ancestorsToExpand(path: readonly string[]): string[] {
  const ids: string[] = [];
  for (let i = 1; i < path.length; i++) ids.push(rowId(path.slice(0, i)));
  return ids;
}
