// The tree's view state over the lazily loaded data (tree/useTreeData): which rows are expanded,
// the selected row, the node shown in the details, and revealing a node (expanding a path to it).
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { FindHit } from "../bindings";
import * as api from "../api";
import { ancestorsToExpand, flatten, rowId, type Row } from "../tree/flatten";
import { useTreeData } from "../tree/useTreeData";
import type { Shell } from "./useShell";
import type { Tab } from "./useTabs";

export type TreeState = ReturnType<typeof useTreeState>;

export function useTreeState({
  version,
  ready,
  run,
  report,
  openTab,
}: Pick<Shell, "run" | "report"> & { version: number | null; ready: boolean; openTab(t: Tab): void }) {
  const data = useTreeData(version, run);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [detailsKey, setDetailsKey] = useState<string | null>(null);
  const [scrollRequest, setScrollRequest] = useState(0);
  const labels = useRef(new Map<string, string>());
  /** The label of a key seen in the tree, the details or a find result (the key itself otherwise). */
  const labelOf = useCallback((key: string) => labels.current.get(key) ?? key, []);

  useEffect(() => {
    if (version !== null && ready) data.loadRoots(version).catch(report);
  }, [version, ready, data, report]);

  const rows = useMemo(() => {
    if (!data.roots) return [];
    const r = flatten({ roots: data.roots, children: data.children, expanded });
    for (const row of r) labels.current.set(row.key, row.label);
    return r;
  }, [data.roots, data.children, expanded]);

  // Expanded rows whose children are not loaded (after expanding, or after switching versions).
  useEffect(() => {
    if (version === null) return;
    for (const row of rows) {
      if (!row.loading) continue;
      data.loadChildren(version, row.key).catch((e: unknown) => {
        report(e);
        setExpanded((ex) => {
          const n = new Set(ex);
          n.delete(row.id);
          return n;
        });
      });
    }
  }, [rows, version, data, report]);

  const onToggle = useCallback((row: Row, expand: boolean) => {
    setExpanded((ex) => {
      const n = new Set(ex);
      if (expand) n.add(row.id);
      else n.delete(row.id);
      return n;
    });
  }, []);

  const onSelectRow = useCallback((row: Row) => {
    setSelectedId(row.id);
    setDetailsKey(row.key);
  }, []);

  /** Shows `key` in the tree (expanding along a path to it) and in the details. */
  const reveal = useCallback(
    async (key: string, showDetails = true) => {
      setDetailsKey(key);
      if (showDetails) openTab("details");
      if (version === null) return;
      try {
        const d = await run("Finding the node in the tree…", () => api.nodeDetails(version, key));
        labels.current.set(d.key, d.label);
        const paths = d.paths.length > 0 ? d.paths : [[key]];
        // Prefer the path that is already the most expanded.
        let best = paths[0];
        let bestScore = -1;
        for (const p of paths) {
          const score = ancestorsToExpand(p).filter((id) => expanded.has(id)).length;
          if (score > bestScore) {
            best = p;
            bestScore = score;
          }
        }
        await data.loadRoots(version);
        for (let i = 0; i < best.length - 1; i++) await data.loadChildren(version, best[i]);
        setExpanded((ex) => {
          const n = new Set(ex);
          for (const id of ancestorsToExpand(best)) n.add(id);
          return n;
        });
        setSelectedId(rowId(best));
        setScrollRequest((x) => x + 1);
      } catch (e) {
        report(e);
      }
    },
    [version, run, report, data, expanded, openTab],
  );

  const onFindPick = useCallback(
    (hit: FindHit) => {
      labels.current.set(hit.key, hit.label);
      void reveal(hit.key);
    },
    [reveal],
  );

  /** Drops the loaded roots and children (the view state is kept). */
  const clearCache = data.clear;

  /** Forgets everything read from the previous connection. */
  const reset = useCallback(() => {
    data.clear();
    setExpanded(new Set());
    setSelectedId(null);
    setDetailsKey(null);
  }, [data]);

  return {
    rows,
    loaded: data.roots !== null,
    selectedId,
    detailsKey,
    scrollRequest,
    labelOf,
    onToggle,
    onSelectRow,
    reveal,
    onFindPick,
    clearCache,
    reset,
  };
}
