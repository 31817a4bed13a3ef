// The review tab's shared state, held by App because the tree drives it too (a click on a
// category's pending count filters the queue to that subtree): the filter and order, which mode
// is shown, and two change counters — `queueKey` (the queue changed under the view: a publish,
// a classifier run, a bulk accept; the focus queue is fetched again) and `countsKey` (any change,
// single decisions included: the metrics and the tree's counts are read again).
import { useCallback, useMemo, useReducer, useState } from "react";
import type { Reason, ReviewFilter, ReviewOrder } from "../bindings";

export type ReviewMode = "focus" | "bulk";

export const NO_FILTER: ReviewFilter = { under: [], reason: null, min_confidence: null, max_confidence: null };

export function isFiltered(f: ReviewFilter): boolean {
  return f.under.length > 0 || f.reason !== null || f.min_confidence !== null || f.max_confidence !== null;
}

export type ReviewShared = ReturnType<typeof useReview>;

export function useReview() {
  const [filter, setFilter] = useState<ReviewFilter>(NO_FILTER);
  const [order, setOrder] = useState<ReviewOrder>("uncertainty");
  const [mode, setMode] = useState<ReviewMode>("focus");
  const [queueKey, bumpQueue] = useReducer((k: number) => k + 1, 0);
  const [countsKey, bumpCounts] = useReducer((k: number) => k + 1, 0);

  /** Something outside the focus view changed the queue. */
  const queueChanged = useCallback(() => {
    bumpQueue();
    bumpCounts();
  }, []);

  /** Only the review counts changed (a decision, a skip, an undo). */
  const countsChanged = useCallback(() => bumpCounts(), []);

  /** The queue limited to one subtree (what a click on a tree count does). */
  const filterUnder = useCallback((key: string) => {
    setFilter({ ...NO_FILTER, under: [key] });
  }, []);

  const setReason = useCallback((reason: Reason | null) => setFilter((f) => ({ ...f, reason })), []);
  const clearFilter = useCallback(() => setFilter(NO_FILTER), []);

  return useMemo(
    () => ({
      filter,
      setFilter,
      setReason,
      clearFilter,
      filterUnder,
      order,
      setOrder,
      mode,
      setMode,
      queueKey,
      countsKey,
      queueChanged,
      countsChanged,
    }),
    [filter, setReason, clearFilter, filterUnder, order, mode, queueKey, countsKey, queueChanged, countsChanged],
  );
}
