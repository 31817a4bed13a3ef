// The agents view's playground: a query run as the selected agent (`agents_search`, with the
// agent's own settings), its result and the active hit (↑/↓/Home/End). Only the latest query's
// result (or refusal) is shown; another agent starts with no result.
import { type KeyboardEvent as ReactKeyboardEvent, useCallback, useEffect, useRef, useState } from "react";
import type { CommandError, SearchResult } from "../bindings";
import * as api from "../api";
import { useServices } from "../services";

export type AgentPlayground = ReturnType<typeof useAgentPlayground>;

export function useAgentPlayground({ agent }: { agent: string | null }) {
  const { run } = useServices();
  const [query, setQuery] = useState("");
  const [result, setResult] = useState<SearchResult | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const [busy, setBusy] = useState(false);
  const [activeHit, setActiveHit] = useState(0);
  const seq = useRef(0);

  useEffect(() => {
    seq.current++;
    setResult(null);
    setError(null);
    setBusy(false);
  }, [agent]);

  const search = useCallback(async () => {
    const q = query.trim();
    if (agent === null || q === "") return;
    const mine = ++seq.current;
    setBusy(true);
    setError(null);
    try {
      const r = await run(`Searching as ${agent}…`, () => api.agentsSearch({ agent, query: q, mode: null, k: null, under: [], exact: false }));
      if (mine === seq.current) {
        setResult(r);
        setActiveHit(0);
      }
    } catch (e) {
      if (mine === seq.current) {
        setResult(null);
        setError(api.toCommandError(e));
      }
    } finally {
      if (mine === seq.current) setBusy(false);
    }
  }, [agent, query, run]);

  const hits = result?.hits.length ?? 0;

  /** ↑/↓/Home/End through the hits; false: not such a key. */
  function moveKeys(e: ReactKeyboardEvent): boolean {
    if (hits === 0) return false;
    if (e.key === "ArrowDown") setActiveHit((a) => Math.min(hits - 1, a + 1));
    else if (e.key === "ArrowUp") setActiveHit((a) => Math.max(0, a - 1));
    else if (e.key === "Home") setActiveHit(0);
    else if (e.key === "End") setActiveHit(hits - 1);
    else return false;
    e.preventDefault();
    return true;
  }

  return { query, setQuery, result, error, busy, activeHit, setActiveHit, moveKeys, search };
}
