// Search over document chunks (docs/ipc.md `search`): a query, the mode (hybrid / BM25 / vector),
// hybrid weights, k and a category scope read at the version viewed in the tree; each result shows
// its text with the matching words marked, its categories and why it is there.
// State: hooks/useSearch; pieces: SearchForm, SearchScope, SearchResults, EvalPanel (golden sets);
// wording: searchText.
import { useEffect, useRef } from "react";
import { useSearch } from "../hooks/useSearch";
import { isTextField } from "../services";
import { SearchForm } from "./SearchForm";
import { SearchMeta, SearchResults } from "./SearchResults";
import { SearchScope } from "./SearchScope";
import { EvalPanel } from "./EvalPanel";

export { DEFAULT_K, WEIGHT_MAX } from "../hooks/useSearch";
export { describeTimings, explainHit, MODES, planLabel, vectorUnavailable } from "../searchText";

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
  const s = useSearch({ active, version, refreshKey });
  const queryRef = useRef<HTMLInputElement>(null);

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

  return (
    <div className="panel search-panel" data-testid="search-panel">
      <SearchForm s={s} inputRef={queryRef} />
      <SearchScope s={s} version={version} selectedKey={selectedKey} labelOf={labelOf} />
      {s.shown === null ? (
        <p className="muted search-hint" data-testid="search-hint">
          Type a query and press Enter. “/” or Ctrl+K focuses the box, Escape clears it, ↑/↓ move through the results.
        </p>
      ) : (
        <>
          <SearchMeta result={s.shown.result} />
          <SearchResults
            result={s.shown.result}
            activeHit={s.activeHit}
            onActivate={s.setActiveHit}
            onKeys={(e) => void s.moveKeys(e)}
            onSelectKey={onSelectKey}
          />
        </>
      )}
      <EvalPanel version={version} />
    </div>
  );
}
