// The tree's per-category counts (documents classified under a node, open review items about it),
// read for the rows the tree renders — never for the whole taxonomy, which may have 80,000 nodes —
// and read again after anything that changes them.
import { useCallback, useEffect, useRef, useState } from "react";
import type { CategoryCounts } from "../bindings";
import * as api from "../api";

/** Rows the tree may render at once (with overscan) stay well below the API's 10,000. */
const MAX_KEYS = 2_000;
const DEBOUNCE_MS = 120;

export type CountsState = ReturnType<typeof useCategoryCounts>;

export function useCategoryCounts({ ready, countsKey, report }: { ready: boolean; countsKey: number; report(e: unknown): void }) {
  const [counts, setCounts] = useState<ReadonlyMap<string, CategoryCounts>>(new Map());
  const visible = useRef<string[]>([]);
  const asked = useRef(new Set<string>());
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const generation = useRef(0);

  const fetchMissing = useCallback(() => {
    if (!ready) return;
    const keys = visible.current.filter((k) => !asked.current.has(k)).slice(0, MAX_KEYS);
    if (keys.length === 0) return;
    for (const k of keys) asked.current.add(k);
    const gen = generation.current;
    api.categoryCounts(keys).then(
      (rows) => {
        if (gen !== generation.current) return;
        setCounts((m) => {
          const n = new Map(m);
          for (const r of rows) n.set(r.key, r);
          return n;
        });
      },
      (e: unknown) => {
        if (gen !== generation.current) return;
        for (const k of keys) asked.current.delete(k);
        report(e);
      },
    );
  }, [ready, report]);

  const schedule = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(fetchMissing, DEBOUNCE_MS);
  }, [fetchMissing]);

  /** The keys of the rows the tree renders now. */
  const onVisibleKeys = useCallback(
    (keys: string[]) => {
      visible.current = keys;
      schedule();
    },
    [schedule],
  );

  // Something changed the counts: read the visible ones again (the old ones stay on screen until
  // the new ones arrive, so the badges do not flicker). A new connection forgets them all.
  useEffect(() => {
    generation.current++;
    asked.current = new Set();
    if (!ready) setCounts(new Map());
    else schedule();
  }, [countsKey, ready, schedule]);

  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);

  return { counts, onVisibleKeys };
}
