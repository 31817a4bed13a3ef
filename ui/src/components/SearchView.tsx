// Search over document chunks (docs/ipc.md `search`): a query, the mode (hybrid / BM25 / vector),
// hybrid weights, k and a category scope read at the version viewed in the tree; each result shows
// its text with the matching words marked, its categories and why it is there.
import { type KeyboardEvent as ReactKeyboardEvent, useCallback, useEffect, useRef, useState } from "react";
import type { Hit, KnnPlan, Mode, Model, SearchResult, Timings, Weights } from "../bindings";
import * as api from "../api";
import { formatMs } from "../format";
import { isTextField, useServices } from "../services";
import { FindBox } from "./FindBox";

export const MODES: { id: Mode; label: string }[] = [
  { id: "hybrid", label: "Hybrid" },
  { id: "bm25", label: "BM25" },
  { id: "vector", label: "Vector" },
];

export const DEFAULT_K = 10;
export const WEIGHT_MAX = 3;


/** "BM25 #3 (score 4.21) · vector #1 (distance 0.312)"; a retriever that did not list the hit: "BM25 — not in top 50". */
export function explainHit(hit: Hit, mode: Mode, candidates: number): string {
  const parts: string[] = [];
  if (mode !== "vector") {
    parts.push(hit.bm25 ? `BM25 #${hit.bm25.rank} (score ${hit.bm25.score.toFixed(2)})` : `BM25 — not in top ${candidates}`);
  }
  if (mode !== "bm25") {
    parts.push(
      hit.vector ? `vector #${hit.vector.rank} (distance ${hit.vector.distance.toFixed(3)})` : `vector — not in top ${candidates}`,
    );
  }
  return parts.join(" · ");
}

export function planLabel(plan: KnnPlan): string {
  switch (plan) {
    case "hnsw":
      return "HNSW";
    case "exact":
      return "exact";
    case "exact_in_scope":
      return "exact in scope";
  }
}

/** "total 12 ms (scope 0.4 ms · embed 3.1 ms · BM25 4.2 ms · vector 2 ms)". */
export function describeTimings(t: Timings): string {
  return (
    `total ${formatMs(t.total_ms)} (scope ${formatMs(t.scope_ms)} · embed ${formatMs(t.embed_ms)} · ` +
    `BM25 ${formatMs(t.bm25_ms)} · vector ${formatMs(t.vector_ms)})`
  );
}

/** Why vector and hybrid search cannot run yet (null: they can), for the mode buttons' tooltip. */
export function vectorUnavailable(models: readonly Model[] | null): string | null {
  if (models === null) return null;
  if (models.length === 0) return "No embeddings yet: run `dtrag embed` to search by meaning";
  const m = models.find((x) => x.is_default);
  if (!m) return "No default embedding model: set one with `dtrag models default`";
  if (m.embedded === 0 && m.chunks > 0) return `Model ${m.name} has no vectors yet: run \`dtrag embed\``;
  return null;
}

const SCORE_TITLES: Record<Mode, string> = {
  hybrid: "fused score (weighted reciprocal rank fusion)",
  bm25: "BM25 score",
  vector: "1 − cosine distance",
};

function clampWeight(v: number): number {
  return Math.min(WEIGHT_MAX, Math.max(0, Math.round(v * 10) / 10));
}

type Shown = { result: SearchResult; k: number };
type ScopeEntry = { key: string; label: string };

export function SearchView({
  active,
  version,
  selectedKey,
  labelOf,
  onSelectKey,
  refreshKey = 0,
}: {
  /** Whether the view is shown: models are (re)loaded and the shortcuts work only then. */
  active: boolean;
  /** The version viewed in the tree: the category scope is read at it. */
  version: number | null;
  /** The node selected in the tree ("Limit to selected category"). */
  selectedKey: string | null;
  labelOf(key: string): string;
  /** Shows a category in the tree. */
  onSelectKey(key: string): void;
  /** Changes when the connection changes (the models are read again). */
  refreshKey?: number;
}) {
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
  const queryRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLOListElement>(null);
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

  // "/" (outside text fields) or Ctrl/Cmd+K focuses the query box while the view is shown.
  useEffect(() => {
    if (!active) return;
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if ((mod && (e.key === "k" || e.key === "K")) || (e.key === "/" && !mod && !e.altKey && !isTextField(document.activeElement))) {
        e.preventDefault();
        queryRef.current?.focus();
        queryRef.current?.select();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [active]);

  const hits = shown?.result.hits ?? [];
  useEffect(() => {
    const el = listRef.current?.querySelectorAll("li.search-hit")[activeHit] as HTMLElement | undefined;
    el?.scrollIntoView?.({ block: "nearest" });
  }, [activeHit, shown]);

  /** ↑/↓ through the results (from the query box or the list). */
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

  function addScope(key: string, label: string) {
    setScope((s) => (s.some((x) => x.key === key) ? s : [...s, { key, label }]));
  }

  const candidates = shown ? shown.result.candidates : 0;

  return (
    <div className="panel search-panel" data-testid="search-panel">
      <form
        className="search-form"
        onSubmit={(e) => {
          e.preventDefault();
          void search();
        }}
      >
        <div className="toolbar-row">
          <input
            ref={queryRef}
            type="search"
            className="search-query"
            data-testid="search-query"
            aria-label="Search documents"
            placeholder="Search documents… (/ or Ctrl+K)"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") {
                // Here rather than through the form's implicit submission, which is the browser's.
                e.preventDefault();
                void search();
              } else if (e.key === "Escape") {
                e.preventDefault();
                setQuery("");
              } else {
                moveKeys(e);
              }
            }}
          />
          <button type="submit" className="primary" data-testid="search-button" disabled={query.trim() === ""}>
            Search
          </button>
          {busy && (
            <span className="muted" data-testid="search-busy" role="status">
              <span className="spinner" aria-hidden="true" /> Searching…
            </span>
          )}
        </div>
        <div className="toolbar-row">
          <span role="radiogroup" aria-label="Mode" className="search-modes" data-testid="search-mode">
            {MODES.map((m) => {
              const disabled = m.id !== "bm25" && noVectors !== null;
              return (
                <label key={m.id} className={disabled ? "mode disabled" : "mode"} title={disabled ? noVectors : undefined}>
                  <input
                    type="radio"
                    name="search-mode"
                    value={m.id}
                    data-testid={`search-mode-${m.id}`}
                    checked={mode === m.id}
                    disabled={disabled}
                    onChange={() => setChosenMode(m.id)}
                  />
                  {m.label}
                </label>
              );
            })}
          </span>
          <label title="Weight of BM25 in hybrid fusion (0–3)">
            BM25 weight{" "}
            <input
              type="number"
              className="narrow"
              data-testid="search-weight-bm25"
              min={0}
              max={WEIGHT_MAX}
              step={0.1}
              value={weights.bm25}
              disabled={mode !== "hybrid"}
              onChange={(e) => {
                const v = Number(e.target.value);
                if (e.target.value !== "" && Number.isFinite(v)) setWeights((w) => ({ ...w, bm25: clampWeight(v) }));
              }}
            />
          </label>
          <label title="Weight of vector search in hybrid fusion (0–3)">
            Vector weight{" "}
            <input
              type="number"
              className="narrow"
              data-testid="search-weight-vector"
              min={0}
              max={WEIGHT_MAX}
              step={0.1}
              value={weights.vector}
              disabled={mode !== "hybrid"}
              onChange={(e) => {
                const v = Number(e.target.value);
                if (e.target.value !== "" && Number.isFinite(v)) setWeights((w) => ({ ...w, vector: clampWeight(v) }));
              }}
            />
          </label>
          <label title="Number of results">
            k{" "}
            <input
              type="number"
              className="narrow"
              data-testid="search-k"
              min={1}
              max={1000}
              value={k}
              onChange={(e) => setK(Math.min(1000, Math.max(1, Math.round(Number(e.target.value)) || 1)))}
            />
          </label>
        </div>
        {noVectors !== null && (
          <p className="muted search-note" data-testid="search-no-vectors">
            {noVectors} — BM25 only until then.
          </p>
        )}
        {noVectors === null && defaultModel && defaultModel.embedded < defaultModel.chunks && (
          <p className="muted search-note" data-testid="search-partial-vectors">
            {defaultModel.embedded} of {defaultModel.chunks} chunks have vectors from {defaultModel.name}: run `dtrag embed` for
            the rest.
          </p>
        )}
      </form>
      <div className="search-scope" data-testid="search-scope">
        <span className="muted">Scope{version !== null ? ` (at v${version})` : ""}:</span>
        {scope.length === 0 && <span className="muted">all documents</span>}
        {scope.map((s) => (
          <span key={s.key} className="chip" data-testid="scope-chip" data-key={s.key} title={s.key}>
            {s.label}
            {s.label !== s.key && <span className="key"> {s.key}</span>}
            <button
              type="button"
              className="chip-remove"
              data-testid="scope-remove"
              aria-label={`Remove ${s.label} from the scope`}
              onClick={() => setScope((all) => all.filter((x) => x.key !== s.key))}
            >
              ×
            </button>
          </span>
        ))}
        <button
          type="button"
          className="small"
          data-testid="scope-add-selected"
          disabled={selectedKey === null}
          title={selectedKey === null ? "Select a category in the tree first" : `Only documents under ${labelOf(selectedKey)}`}
          onClick={() => selectedKey !== null && addScope(selectedKey, labelOf(selectedKey))}
        >
          Limit to selected category
        </button>
        <div className="scope-find">
          <FindBox version={version} onPick={(h) => addScope(h.key, h.label)} placeholder="Add a category to the scope…" testId="scope-find" limit={20} />
        </div>
      </div>
      {shown === null ? (
        <p className="muted search-hint" data-testid="search-hint">
          Type a query and press Enter. “/” or Ctrl+K focuses the box, Escape clears it, ↑/↓ move through the results.
        </p>
      ) : (
        <>
          <div className="search-meta" data-testid="search-meta">
            <span data-testid="search-count">
              {shown.result.hits.length} {shown.result.hits.length === 1 ? "result" : "results"}
            </span>
            {" · "}
            <span data-testid="search-timing">{describeTimings(shown.result.timings)}</span>
            {shown.result.model !== null && (
              <>
                {" · "}
                <span data-testid="search-model">
                  {shown.result.model}
                  {shown.result.plan !== null && ` · ${planLabel(shown.result.plan)}`}
                </span>
              </>
            )}
            {shown.result.scope_chunks !== null && (
              <>
                {" · "}
                <span data-testid="search-scope-size">{shown.result.scope_chunks} chunks in scope</span>
              </>
            )}
          </div>
          {hits.length === 0 ? (
            <p className="muted" data-testid="search-empty">
              No results.
            </p>
          ) : (
            <ol
              ref={listRef}
              className="search-results"
              role="listbox"
              aria-label="Search results"
              tabIndex={0}
              data-testid="search-results"
              aria-activedescendant={`search-hit-${activeHit}`}
              onKeyDown={(e) => void moveKeys(e)}
            >
              {hits.map((h, i) => (
                <li
                  key={h.chunk_id}
                  id={`search-hit-${i}`}
                  role="option"
                  aria-selected={i === activeHit}
                  className={i === activeHit ? "search-hit active" : "search-hit"}
                  data-testid="search-hit"
                  data-document={h.document}
                  data-rank={h.rank}
                  onClick={() => setActiveHit(i)}
                >
                  <div className="hit-head">
                    <span className="hit-rank">{h.rank}.</span> <b data-testid="search-hit-title">{h.title || h.document}</b>{" "}
                    <span className="key" data-testid="search-hit-doc">
                      {h.document}
                    </span>
                    <span className="hit-score" data-testid="search-hit-score" title={SCORE_TITLES[shown.result.mode]}>
                      {Number(h.score.toPrecision(3))}
                    </span>
                  </div>
                  <p className="hit-text" data-testid="search-hit-text">
                    {h.fragments.length === 0
                      ? h.text
                      : h.fragments.map((f, j) => (f.hit ? <mark key={j}>{f.text}</mark> : <span key={j}>{f.text}</span>))}
                  </p>
                  <div className="hit-foot">
                    {h.categories.map((c) => (
                      <button
                        key={c}
                        type="button"
                        className="link key"
                        data-testid="search-hit-category"
                        data-key={c}
                        title="Show in the tree"
                        onClick={(e) => {
                          e.stopPropagation();
                          onSelectKey(c);
                        }}
                      >
                        {c}
                      </button>
                    ))}
                    <span className="hit-why" data-testid="search-hit-why">
                      {explainHit(h, shown.result.mode, candidates)}
                    </span>
                  </div>
                </li>
              ))}
            </ol>
          )}
        </>
      )}
    </div>
  );
}
