// Roots and children of the tree, loaded lazily and cached per version (a version is immutable, so
// a cache entry never goes stale; it is dropped only when the database connection changes).
import { useCallback, useMemo, useRef, useState } from "react";
import type { NodeSummary } from "../bindings";
import * as api from "../api";

type VersionCache = {
  roots: NodeSummary[] | null;
  rootsPending: Promise<NodeSummary[]> | null;
  children: Map<string, NodeSummary[]>;
  pending: Map<string, Promise<NodeSummary[]>>;
};

function newCache(): VersionCache {
  return { roots: null, rootsPending: null, children: new Map(), pending: new Map() };
}

export type Runner = <T>(label: string, fn: () => Promise<T>) => Promise<T>;

export type TreeData = {
  roots: NodeSummary[] | null;
  children: ReadonlyMap<string, NodeSummary[]>;
  loadRoots(version: number): Promise<NodeSummary[]>;
  loadChildren(version: number, key: string): Promise<NodeSummary[]>;
  clear(): void;
};

export function useTreeData(version: number | null, run: Runner): TreeData {
  const caches = useRef(new Map<number, VersionCache>());
  const [tick, setTick] = useState(0);

  const cacheOf = useCallback((v: number) => {
    let c = caches.current.get(v);
    if (!c) {
      c = newCache();
      caches.current.set(v, c);
    }
    return c;
  }, []);

  const loadRoots = useCallback(
    (v: number) => {
      const c = cacheOf(v);
      if (c.roots) return Promise.resolve(c.roots);
      if (c.rootsPending) return c.rootsPending;
      const p = run(`Loading the roots of v${v}…`, () => api.roots(v)).then(
        (r) => {
          c.roots = r;
          c.rootsPending = null;
          setTick((t) => t + 1);
          return r;
        },
        (e: unknown) => {
          c.rootsPending = null;
          throw e;
        },
      );
      c.rootsPending = p;
      return p;
    },
    [cacheOf, run],
  );

  const loadChildren = useCallback(
    (v: number, key: string) => {
      const c = cacheOf(v);
      const have = c.children.get(key);
      if (have) return Promise.resolve(have);
      const pending = c.pending.get(key);
      if (pending) return pending;
      const p = run("Loading children…", () => api.children(v, key)).then(
        (kids) => {
          c.children.set(key, kids);
          c.pending.delete(key);
          setTick((t) => t + 1);
          return kids;
        },
        (e: unknown) => {
          c.pending.delete(key);
          throw e;
        },
      );
      c.pending.set(key, p);
      return p;
    },
    [cacheOf, run],
  );

  const clear = useCallback(() => {
    caches.current = new Map();
    setTick((t) => t + 1);
  }, []);

  const current = version === null ? null : caches.current.get(version) ?? null;
  const roots = current?.roots ?? null;
  // A new map identity whenever something was loaded, so memoised rows recompute.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const children = useMemo(() => new Map(current?.children ?? []), [current, tick]);
  return useMemo(() => ({ roots, children, loadRoots, loadChildren, clear }), [roots, children, loadRoots, loadChildren, clear]);
}
