// The search's category scope: chips (× removes), the category selected in the tree, or one found
// by label. The scope is read at the version viewed in the tree.
import type { Search } from "../hooks/useSearch";
import { FindBox } from "./FindBox";

export function SearchScope({
  s,
  version,
  selectedKey,
  labelOf,
}: {
  s: Pick<Search, "scope" | "addScope" | "removeScope">;
  version: number | null;
  selectedKey: string | null;
  labelOf(key: string): string;
}) {
  return (
    <div className="search-scope" data-testid="search-scope">
      <span className="muted">Scope{version !== null ? ` (at v${version})` : ""}:</span>
      {s.scope.length === 0 && <span className="muted">all documents</span>}
      {s.scope.map((c) => (
        <span key={c.key} className="chip" data-testid="scope-chip" data-key={c.key} title={c.key}>
          {c.label}
          {c.label !== c.key && <span className="key"> {c.key}</span>}
          <button
            type="button"
            className="chip-remove"
            data-testid="scope-remove"
            aria-label={`Remove ${c.label} from the scope`}
            onClick={() => s.removeScope(c.key)}
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
        onClick={() => selectedKey !== null && s.addScope(selectedKey, labelOf(selectedKey))}
      >
        Limit to selected category
      </button>
      <div className="scope-find">
        <FindBox version={version} onPick={(h) => s.addScope(h.key, h.label)} placeholder="Add a category to the scope…" testId="scope-find" limit={20} />
      </div>
    </div>
  );
}
