// A search's result: the count, timings, model and scope size, then the hits (↑/↓ move the active
// one) with their text (matching words marked), categories and why each is there.
import { type KeyboardEvent as ReactKeyboardEvent, useEffect, useRef } from "react";
import type { Hit, Mode, SearchResult } from "../bindings";
import { describeFusion, describeTimings, explainHit, planLabel, SCORE_TITLES } from "../searchText";

export function SearchMeta({ result }: { result: SearchResult }) {
  return (
    <div className="search-meta" data-testid="search-meta">
      <span data-testid="search-count">
        {result.hits.length} {result.hits.length === 1 ? "result" : "results"}
      </span>
      {" · "}
      <span data-testid="search-timing">{describeTimings(result.timings)}</span>
      {result.model !== null && (
        <>
          {" · "}
          <span data-testid="search-model">
            {result.model}
            {result.plan !== null && ` · ${planLabel(result.plan)}`}
          </span>
        </>
      )}
      {result.fusion !== null && (
        <>
          {" · "}
          <span data-testid="search-fusion" title="How the BM25 and vector lists were fused">
            {describeFusion(result.fusion)}
          </span>
        </>
      )}
      {result.scope_chunks !== null && (
        <>
          {" · "}
          <span data-testid="search-scope-size">{result.scope_chunks} chunks in scope</span>
        </>
      )}
      {result.notice !== null && (
        <p className="muted search-notice" data-testid="search-notice">
          {result.notice}
        </p>
      )}
    </div>
  );
}

export function SearchResults({
  result,
  activeHit,
  onActivate,
  onKeys,
  onSelectKey,
  idPrefix = "search-hit",
}: {
  result: SearchResult;
  activeHit: number;
  onActivate(index: number): void;
  /** ↑/↓/Home/End on the list. */
  onKeys(e: ReactKeyboardEvent): void;
  /** Shows a category in the tree. */
  onSelectKey(key: string): void;
  /** The hits' element ids are `${idPrefix}-${index}` (unique per view: several may be mounted). */
  idPrefix?: string;
}) {
  const listRef = useRef<HTMLOListElement>(null);
  const hits = result.hits;
  useEffect(() => {
    const el = listRef.current?.querySelectorAll("li.search-hit")[activeHit] as HTMLElement | undefined;
    el?.scrollIntoView?.({ block: "nearest" });
  }, [activeHit, result]);

  if (hits.length === 0) {
    return (
      <p className="muted" data-testid="search-empty">
        No results.
      </p>
    );
  }
  return (
    <ol
      ref={listRef}
      className="search-results"
      role="listbox"
      aria-label="Search results"
      tabIndex={0}
      data-testid="search-results"
      aria-activedescendant={`${idPrefix}-${activeHit}`}
      onKeyDown={onKeys}
    >
      {hits.map((h, i) => (
        <SearchHit
          key={h.chunk_id}
          id={`${idPrefix}-${i}`}
          hit={h}
          index={i}
          active={i === activeHit}
          mode={result.mode}
          candidates={result.candidates}
          onActivate={onActivate}
          onSelectKey={onSelectKey}
        />
      ))}
    </ol>
  );
}

function SearchHit({
  id,
  hit: h,
  index: i,
  active,
  mode,
  candidates,
  onActivate,
  onSelectKey,
}: {
  id: string;
  hit: Hit;
  index: number;
  active: boolean;
  mode: Mode;
  candidates: number;
  onActivate(index: number): void;
  onSelectKey(key: string): void;
}) {
  return (
    <li
      id={id}
      role="option"
      aria-selected={active}
      className={active ? "search-hit active" : "search-hit"}
      data-testid="search-hit"
      data-document={h.document}
      data-rank={h.rank}
      onClick={() => onActivate(i)}
    >
      <div className="hit-head">
        <span className="hit-rank">{h.rank}.</span> <b data-testid="search-hit-title">{h.title || h.document}</b>{" "}
        <span className="key" data-testid="search-hit-doc">
          {h.document}
        </span>
        <span className="hit-score" data-testid="search-hit-score" title={SCORE_TITLES[mode]}>
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
          {explainHit(h, mode, candidates)}
        </span>
      </div>
    </li>
  );
}
