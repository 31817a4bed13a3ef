// The search view's query bar (Enter searches, Escape clears, ↑/↓ move through the results) and
// its options: mode, hybrid weights, k, and why vector search is not available yet.
import type { RefObject } from "react";
import { LIMITS, type Weights } from "../bindings";
import { type Search, WEIGHT_MAX } from "../hooks/useSearch";
import { MODES } from "../searchText";

export function SearchForm({ s, inputRef }: { s: Search; inputRef: RefObject<HTMLInputElement | null> }) {
  const { noVectors, defaultModel, mode } = s;
  return (
    <form
      className="search-form"
      onSubmit={(e) => {
        e.preventDefault();
        void s.search();
      }}
    >
      <div className="toolbar-row">
        <input
          ref={inputRef}
          type="search"
          className="search-query"
          data-testid="search-query"
          aria-label="Search documents"
          placeholder="Search documents… (/ or Ctrl+K)"
          value={s.query}
          onChange={(e) => s.setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              // Here rather than through the form's implicit submission, which is the browser's.
              e.preventDefault();
              void s.search();
            } else if (e.key === "Escape") {
              e.preventDefault();
              s.setQuery("");
            } else {
              s.moveKeys(e);
            }
          }}
        />
        <button type="submit" className="primary" data-testid="search-button" disabled={s.query.trim() === ""}>
          Search
        </button>
        {s.busy && (
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
                  onChange={() => s.chooseMode(m.id)}
                />
                {m.label}
              </label>
            );
          })}
        </span>
        <WeightInput s={s} which="bm25" label="BM25 weight" title="Weight of BM25 in hybrid fusion (0–3)" />
        <WeightInput s={s} which="vector" label="Vector weight" title="Weight of vector search in hybrid fusion (0–3)" />
        <label title="Number of results">
          k{" "}
          <input
            type="number"
            className="narrow"
            data-testid="search-k"
            min={1}
            max={LIMITS.search_k_max}
            value={s.k}
            onChange={(e) => s.setK(Math.min(LIMITS.search_k_max, Math.max(1, Math.round(Number(e.target.value)) || 1)))}
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
          {defaultModel.embedded} of {defaultModel.chunks} chunks have vectors from {defaultModel.name}: run `dtrag embed` for the
          rest.
        </p>
      )}
    </form>
  );
}

function WeightInput({ s, which, label, title }: { s: Search; which: keyof Weights; label: string; title: string }) {
  return (
    <label title={title}>
      {label}{" "}
      <input
        type="number"
        className="narrow"
        data-testid={`search-weight-${which}`}
        min={0}
        max={WEIGHT_MAX}
        step={0.1}
        value={s.weights[which]}
        disabled={s.mode !== "hybrid"}
        onChange={(e) => {
          const v = Number(e.target.value);
          if (e.target.value !== "" && Number.isFinite(v)) s.setWeight(which, v);
        }}
      />
    </label>
  );
}
