// The playground: a query run as the agent (its role, its settings), showing exactly the hits it
// receives, with their documents and texts. Enter runs the query, Escape clears it, ↑/↓ move
// through the hits.
import type { RefObject } from "react";
import type { Agent } from "../../bindings";
import { describeSettings } from "../../agents/text";
import type { AgentPlayground as Playground } from "../../hooks/useAgentPlayground";
import { SearchMeta, SearchResults } from "../SearchResults";
import { InlineError } from "../InlineError";

export function AgentPlayground({
  agent,
  p,
  inputRef,
  onSelectKey,
}: {
  agent: Agent;
  p: Playground;
  inputRef: RefObject<HTMLInputElement | null>;
  /** Shows a category in the tree. */
  onSelectKey(key: string): void;
}) {
  return (
    <section className="agent-playground" data-testid="agent-playground" aria-label={`Search as ${agent.name}`}>
      <h4>Playground</h4>
      <p className="muted">
        Searches as {agent.name} ({describeSettings(agent.settings)}) under its own PostgreSQL role: these are exactly the hits it receives.
      </p>
      <form
        className="toolbar-row"
        onSubmit={(e) => {
          e.preventDefault();
          void p.search();
        }}
      >
        <input
          ref={inputRef}
          type="search"
          className="search-query"
          data-testid="agent-query"
          aria-label={`Search as ${agent.name}`}
          placeholder={`Search as ${agent.name}… (/ or Ctrl+K)`}
          value={p.query}
          onChange={(e) => p.setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault();
              void p.search();
            } else if (e.key === "Escape") {
              e.preventDefault();
              p.setQuery("");
            } else {
              p.moveKeys(e);
            }
          }}
        />
        <button type="submit" className="primary" data-testid="agent-run" disabled={p.query.trim() === ""}>
          Search
        </button>
        {p.busy && (
          <span className="muted" data-testid="agent-search-busy" role="status">
            <span className="spinner" aria-hidden="true" /> Searching…
          </span>
        )}
      </form>
      <InlineError error={p.error} testId="agent-search-error" />
      {p.result && (
        <>
          <SearchMeta result={p.result} />
          <SearchResults
            result={p.result}
            activeHit={p.activeHit}
            onActivate={p.setActiveHit}
            onKeys={(e) => void p.moveKeys(e)}
            onSelectKey={onSelectKey}
            idPrefix="agent-hit"
          />
        </>
      )}
    </section>
  );
}
