// The focus view's queue: the current item and a few leased ahead (`review_next`), decisions that
// advance at once while the call runs behind, skip, undo (Ctrl+Z or a click in the sidebar brings
// the item back as the current one), and the reviewer's recent decisions.
//
// Every call that changes the queue runs through one promise chain, in the order the keys were
// pressed: an undo right after a decision undoes that decision, never the one before it, and a
// prefetch never races a decision into showing an item that is being decided.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { CommandError, Decision, DecisionOutcome, RecentDecision, ReviewFilter, ReviewItem, ReviewOrder } from "../bindings";
import * as api from "../api";
import { LOW_WATER, mergeFetched, PREFETCH, putFirst, without } from "../review/queue";
import { useServices } from "../services";

export type Notice = { kind: "info" | "conflict"; text: string };

export type ReviewQueue = ReturnType<typeof useReviewQueue>;

function outcomeText(o: DecisionOutcome): string {
  switch (o.action) {
    case "accept":
      return `accepted ${o.accepted.join(", ")}`;
    case "reject":
      return "rejected every suggestion";
    case "reassign":
      return `reassigned to ${o.accepted.join(", ")}`;
    default:
      return o.action;
  }
}

export function useReviewQueue({
  active,
  ready,
  filter,
  order,
  queueKey,
  onChanged,
}: {
  /** The focus view is shown: the queue is fetched (and so leased) only then. */
  active: boolean;
  ready: boolean;
  filter: ReviewFilter;
  order: ReviewOrder;
  /** Bumped when the queue changed under the view: it is fetched again. */
  queueKey: number;
  /** After each decision, skip or undo (the metrics and counts are read again). */
  onChanged(): void;
}) {
  const { run, report } = useServices();
  const [items, setItemsState] = useState<ReviewItem[]>([]);
  const [total, setTotal] = useState<number | null>(null);
  // False when the library stopped counting at its cap: the queue shows "10000+".
  const [totalExact, setTotalExact] = useState(true);
  const [loaded, setLoaded] = useState(false);
  const [busy, setBusy] = useState(0);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [recent, setRecent] = useState<RecentDecision[]>([]);
  /** Why the queue could not be read (shown in place of the item, with Retry). */
  const [loadError, setLoadError] = useState<CommandError | null>(null);
  const [attempt, setAttempt] = useState(0);
  // The queue as of the last change, not the last render: two keys pressed before React renders
  // act on two different items.
  const itemsRef = useRef<ReviewItem[]>([]);
  const chain = useRef<Promise<unknown>>(Promise.resolve());
  const inFlight = useRef(new Set<number>());
  /** Bumped when the queue is fetched anew: answers to older fetches are dropped. */
  const generation = useRef(0);
  const recentSeq = useRef(0);
  const request = useMemo(() => ({ filter, order, limit: PREFETCH, offset: null }), [filter, order]);
  const requestRef = useRef(request);
  requestRef.current = request;
  const changed = useRef(onChanged);
  changed.current = onChanged;

  const setItems = useCallback((f: (cur: ReviewItem[]) => ReviewItem[]) => {
    itemsRef.current = f(itemsRef.current);
    setItemsState(itemsRef.current);
  }, []);

  const enqueue = useCallback(<T,>(fn: () => Promise<T>): Promise<T> => {
    setBusy((b) => b + 1);
    const p = chain.current.then(fn).finally(() => setBusy((b) => b - 1));
    chain.current = p.catch(() => undefined);
    return p;
  }, []);

  const refreshRecent = useCallback(() => {
    const mine = ++recentSeq.current;
    api.reviewRecent().then(
      (r) => mine === recentSeq.current && setRecent(r),
      (e: unknown) => mine === recentSeq.current && report(e),
    );
  }, [report]);

  /** Asks for more items when few are left. */
  const topUp = useCallback(() => {
    void enqueue(async () => {
      if (itemsRef.current.length >= LOW_WATER) return;
      const gen = generation.current;
      const page = await api.reviewNext(requestRef.current);
      if (gen !== generation.current) return;
      setItems((cur) => mergeFetched(cur, page.items, inFlight.current));
      setTotal(page.total);
      setTotalExact(page.total_exact);
    }).catch(report);
  }, [enqueue, setItems, report]);

  // (Re)fetch when shown for a new filter, order or change of the queue; a tab switch keeps it.
  const fetchedFor = useRef<string | null>(null);
  useEffect(() => {
    if (!active || !ready) return;
    const key = JSON.stringify([request, queueKey, attempt]);
    if (fetchedFor.current === key) return;
    const gen = ++generation.current;
    setItems(() => []);
    setLoaded(false);
    setLoadError(null);
    // A new filter or order: the items leased for the old one go back to the queue for others.
    const releaseFirst = fetchedFor.current !== null;
    fetchedFor.current = key;
    enqueue(async () => {
      if (releaseFirst) await api.reviewRelease().catch(() => 0);
      const page = await run("Fetching the review queue…", () => api.reviewNext(requestRef.current));
      if (gen !== generation.current) return;
      // Merged, not replaced: an item opened from the table or undone meanwhile stays first.
      setItems((cur) => mergeFetched(cur, page.items, inFlight.current));
      setTotal(page.total);
      setTotalExact(page.total_exact);
      setLoaded(true);
    }).catch((e: unknown) => {
      if (gen !== generation.current) return;
      setLoadError(api.toCommandError(e));
      setLoaded(true);
    });
    refreshRecent();
  }, [active, ready, request, queueKey, attempt, enqueue, run, refreshRecent, setItems]);

  // A new connection: nothing of the old one is kept.
  useEffect(() => {
    if (ready) return;
    fetchedFor.current = null;
    generation.current++;
    setItems(() => []);
    setLoaded(false);
    setRecent([]);
    setNotice(null);
  }, [ready, setItems]);

  /** Takes the current item off the queue and runs `call` on it behind the scenes. */
  const advance = useCallback(
    (call: (item: ReviewItem) => Promise<string | null>) => {
      const item = itemsRef.current[0];
      if (!item) return;
      inFlight.current.add(item.id);
      setItems((cur) => without(cur, item.id));
      setNotice(null);
      void enqueue(async () => {
        try {
          const text = await call(item);
          if (text !== null) setNotice({ kind: "info", text: `“${item.title}”: ${text}` });
        } catch (e) {
          const ce = api.toCommandError(e);
          if (ce.kind === "conflict") {
            // Someone else decided or holds it: nothing to redo, the next item is already shown.
            setNotice({ kind: "conflict", text: `“${item.title}” was not changed: ${ce.message}. On to the next item.` });
          } else {
            setItems((cur) => putFirst(cur, item));
            report(ce);
          }
        } finally {
          inFlight.current.delete(item.id);
        }
      });
      topUp();
    },
    [enqueue, setItems, topUp, report],
  );

  const decide = useCallback(
    (decision: Decision) =>
      advance(async (item) => {
        const out = await run("Saving the decision…", () => api.reviewDecide(item.id, decision));
        setTotal((t) => (t === null ? t : Math.max(0, t - 1)));
        refreshRecent();
        changed.current();
        return outcomeText(out);
      }),
    [advance, run, refreshRecent],
  );

  /** Accepts suggestion `index` of the current item (0: the top one). */
  const accept = useCallback(
    (index: number) => {
      const item = itemsRef.current[0];
      if (!item) return;
      const s = item.suggestions[index];
      if (!s) {
        setNotice({
          kind: "info",
          text: item.suggestions.length === 0 ? "This item has no suggestions: reassign it (r)." : `There is no suggestion ${index + 1}.`,
        });
        return;
      }
      decide({ action: "accept", categories: index === 0 ? [] : [s.category] });
    },
    [decide],
  );

  const reject = useCallback(() => decide({ action: "reject" }), [decide]);
  const reassign = useCallback(
    (to: string[]) => {
      if (to.length > 0) decide({ action: "reassign", to });
    },
    [decide],
  );

  const skip = useCallback(
    () =>
      advance(async (item) => {
        await run("Skipping…", () => api.reviewSkip(item.id));
        return "skipped (back at the end of the queue)";
      }),
    [advance, run],
  );

  /** Undoes the latest decision (null) or the given one; its item becomes the current one. */
  const undo = useCallback(
    (decision: number | null) =>
      enqueue(async () => {
        try {
          const u = await run("Undoing…", () => api.reviewUndo(decision));
          const item = await api.reviewItem(u.item);
          setItems((cur) => putFirst(cur, item));
          setTotal((t) => (t === null ? t : t + 1));
          setNotice({ kind: "info", text: `Undid the decision on “${item.title}”: it is the current item again.` });
        } catch (e) {
          const ce = api.toCommandError(e);
          if (ce.kind === "conflict" || ce.kind === "not_found") {
            setNotice({ kind: "conflict", text: ce.kind === "not_found" ? "Nothing of yours to undo." : ce.message });
          } else report(ce);
        }
        refreshRecent();
        changed.current();
      }),
    [enqueue, run, setItems, report, refreshRecent],
  );

  /** Makes an item (from the bulk table) the current one. */
  const open = useCallback(
    (id: number) =>
      enqueue(async () => {
        const item = await run("Opening the item…", () => api.reviewItem(id));
        if (item.status !== "open") {
          setNotice({ kind: "conflict", text: `“${item.title}” is ${item.status}: nothing to review.` });
          return;
        }
        setItems((cur) => putFirst(cur, item));
        setNotice(null);
      }).catch(report),
    [enqueue, run, setItems, report],
  );

  return {
    current: items[0] ?? null,
    upcoming: items.slice(1),
    total,
    totalExact,
    loaded,
    busy: busy > 0,
    notice,
    dismissNotice: () => setNotice(null),
    recent,
    loadError,
    retry: () => setAttempt((a) => a + 1),
    accept,
    reject,
    reassign,
    skip,
    undo,
    open,
  };
}
