// The search view's state: the request (query, mode, weights, k, category scope), the embedding
// models (whether vectors exist), the running search and its result, and the active hit.
import { type KeyboardEvent as ReactKeyboardEvent, useCallback, useEffect, useRef, useState } from "react";
import { LIMITS, type Mode, type Model, type SearchResult, type Weights } from "../bindings";
import * as api from "../api";
import { vectorUnavailable } from "../searchText";
import { useServices } from "../services";

export const DEFAULT_K = LIMITS.search_k_default;
export const WEIGHT_MAX = 3;

export function clampWeight(v: number): number {
  return Math.min(WEIGHT_MAX, Math.max(0, Math.round(v * 10) / 10));
}

/** A result with the k it was asked with. */
export type Shown = { result: SearchResult; k: number };
export type ScopeEntry = { key: string; label: string };

export type Search = ReturnType<typeof useSearch>;

export function useSearch({ active, version, refreshKey }: { active: boolean; version: number | null; refreshKey: number }) {
  const { run, report } = useServices();
  const [query, setQuery] = useState("");
  const [chosenMode, setChosenMode] = useState<Mode | null>(null);
  const [weights, setWeights] = useState<Weights>({ bm25: 1, vector: 1 });
  const [k, setK] = useState(DEFAULT_K);
  const [scope, setScope] = useState<ScopeEntry[]>([]);
  const [models, setModels] = useState<Model[] | null>(null);
  const [shown, setShown] = useState<Shown | null>(null);
  const [busy, setBusy] = useState(false);
  const [activeHit, setActiveHit] = useState(0);
  const seq = useRef(0);

  // The models (and so whether vectors exist) are read each time the view is opened: `dtrag embed`
  // may have run meanwhile.
  useEffect(() => {
    if (!active) return;
    let live = true;
    run("Loading embedding models…", () => api.embeddingModels()).then(
      (ms) => live && setModels(ms),
      (e: unknown) => {
        if (!live) return;
        setModels(null);
        report(e);
      },
    );
    return () => {
      live = false;
    };
  }, [active, refreshKey, run, report]);

  const noVectors = vectorUnavailable(models);
  // Hybrid unless chosen otherwise; BM25 while there are no vectors to search.
  const mode: Mode = noVectors ? "bm25" : (chosenMode ?? "hybrid");
  const defaultModel = models?.find((m) => m.is_default) ?? null;

  /** Runs the query; only the latest search's result (or error) is shown. */
  const search = useCallback(async () => {
    const q = query.trim();
    if (q === "") return;
    const mine = ++seq.current;
    const under = scope.map((s) => s.key);
    setBusy(true);
    try {
      const result = await run(`Searching “${q}”…`, () => api.search({ query: q, mode, k, weights, under, version }));
      if (mine === seq.current) {
        setShown({ result, k });
        setActiveHit(0);
      }
    } catch (e) {
      if (mine === seq.current) {
        setShown(null);
        report(e);
      }
    } finally {
      if (mine === seq.current) setBusy(false);
    }
  }, [query, scope, run, mode, k, weights, version, report]);

  const hits = shown?.result.hits ?? [];

  /** ↑/↓/Home/End through the results (from the query box or the list); false: not such a key. */
  function moveKeys(e: ReactKeyboardEvent): boolean {
    if (hits.length === 0) return false;
    if (e.key === "ArrowDown") setActiveHit((a) => Math.min(hits.length - 1, a + 1));
    else if (e.key === "ArrowUp") setActiveHit((a) => Math.max(0, a - 1));
    else if (e.key === "Home") setActiveHit(0);
    else if (e.key === "End") setActiveHit(hits.length - 1);
    else return false;
    e.preventDefault();
    return true;
  }

  function setWeight(which: keyof Weights, v: number) {
    setWeights((w) => ({ ...w, [which]: clampWeight(v) }));
  }

  function addScope(key: string, label: string) {
    setScope((s) => (s.some((x) => x.key === key) ? s : [...s, { key, label }]));
  }

  function removeScope(key: string) {
    setScope((all) => all.filter((x) => x.key !== key));
  }

  return {
    query,
    setQuery,
    mode,
    chooseMode: setChosenMode,
    weights,
    setWeight,
    k,
    setK,
    scope,
    addScope,
    removeScope,
    noVectors,
    defaultModel,
    shown,
    busy,
    activeHit,
    setActiveHit,
    moveKeys,
    search,
  };
}
