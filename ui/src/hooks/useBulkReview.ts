// Bulk mode: the queue as a table, read a page at a time as it scrolls (`review_list`, not
// leased), and a bulk accept of everything the filter matches — counted first (a dry run), with
// the confidence floor's refusal turned into an explicit "accept anyway".
import { useCallback, useEffect, useRef, useState } from "react";
import type { BulkOutcome, CommandError, ReviewFilter, ReviewItem, ReviewOrder } from "../bindings";
import * as api from "../api";
import { useServices } from "../services";

export const BULK_PAGE = 100;

export type BulkReview = ReturnType<typeof useBulkReview>;

export function useBulkReview({
  active,
  ready,
  filter,
  order,
  countsKey,
  onAccepted,
}: {
  active: boolean;
  ready: boolean;
  filter: ReviewFilter;
  order: ReviewOrder;
  /** Bumped after any change: the pages are read again (when shown). */
  countsKey: number;
  onAccepted(): void;
}) {
  const { run, report } = useServices();
  const [total, setTotal] = useState<number | null>(null);
  const [totalExact, setTotalExact] = useState(true);
  const [pages, setPages] = useState<ReadonlyMap<number, ReviewItem[]>>(new Map());
  const [allSelected, setAllSelected] = useState(false);
  /** The dry run's count for the current filter. */
  const [preview, setPreview] = useState<BulkOutcome | null>(null);
  /** The floor refused: how many matched and how many are below it (a forced dry run). */
  const [refused, setRefused] = useState<BulkOutcome | null>(null);
  const [result, setResult] = useState<BulkOutcome | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const [working, setWorking] = useState(false);
  const loading = useRef(new Set<number>());
  const generation = useRef(0);
  const filterRef = useRef({ filter, order });
  filterRef.current = { filter, order };

  const loadPage = useCallback(
    (page: number) => {
      if (loading.current.has(page)) return;
      loading.current.add(page);
      const gen = generation.current;
      const { filter: f, order: o } = filterRef.current;
      run("Reading the queue…", () => api.reviewList({ filter: f, order: o, limit: BULK_PAGE, offset: page * BULK_PAGE })).then(
        (p) => {
          if (gen !== generation.current) return;
          loading.current.delete(page);
          setTotal(p.total);
          setTotalExact(p.total_exact);
          setPages((m) => new Map(m).set(page, p.items));
        },
        (e: unknown) => {
          loading.current.delete(page);
          if (gen === generation.current) report(e);
        },
      );
    },
    [run, report],
  );

  // A new filter or order, or a change of the queue: read from the first page again.
  useEffect(() => {
    if (!active || !ready) return;
    generation.current++;
    loading.current = new Set();
    setPages(new Map());
    loadPage(0);
  }, [active, ready, filter, order, countsKey, loadPage]);

  // What was selected, counted or refused was for the previous filter.
  useEffect(() => {
    setAllSelected(false);
    setPreview(null);
    setRefused(null);
    setError(null);
  }, [filter]);

  /** Rows [start, end] are on screen: read the pages they fall in. */
  const showRows = useCallback(
    (start: number, end: number) => {
      for (let p = Math.floor(start / BULK_PAGE); p <= Math.floor(end / BULK_PAGE); p++) {
        if (!pages.has(p)) loadPage(p);
      }
    },
    [pages, loadPage],
  );

  const rowAt = useCallback((i: number) => pages.get(Math.floor(i / BULK_PAGE))?.[i % BULK_PAGE] ?? null, [pages]);

  /** Counts what a bulk accept of every matching item would do (writes nothing). */
  const count = useCallback(async () => {
    setError(null);
    setRefused(null);
    setPreview(null);
    setResult(null);
    const f = filterRef.current.filter;
    try {
      setPreview(await run("Counting…", () => api.reviewBulkAccept({ filter: f, floor: null, force: false, dry_run: true })));
    } catch (e) {
      const ce = api.toCommandError(e);
      if (ce.kind !== "invalid_input") return setError(ce);
      // Refused: the floor (then a forced count says how many are below it) or a bad filter.
      try {
        const forced = await api.reviewBulkAccept({ filter: f, floor: null, force: true, dry_run: true });
        if (forced.below_floor > 0) setRefused(forced);
        else setError(ce);
      } catch {
        setError(ce);
      }
    }
  }, [run]);

  const selectAll = useCallback(
    (on: boolean) => {
      setAllSelected(on);
      setResult(null);
      if (on) void count();
      else {
        setPreview(null);
        setRefused(null);
        setError(null);
      }
    },
    [count],
  );

  const accept = useCallback(
    async (force: boolean) => {
      setWorking(true);
      setError(null);
      try {
        const f = filterRef.current.filter;
        const out = await run("Accepting…", () => api.reviewBulkAccept({ filter: f, floor: null, force, dry_run: false }));
        setResult(out);
        setAllSelected(false);
        setPreview(null);
        setRefused(null);
        onAccepted();
      } catch (e) {
        setError(api.toCommandError(e));
      } finally {
        setWorking(false);
      }
    },
    [run, onAccepted],
  );

  return { total, totalExact, rowAt, showRows, allSelected, selectAll, preview, refused, result, error, working, accept };
}
