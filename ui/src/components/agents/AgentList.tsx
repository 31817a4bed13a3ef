// The agents: name, categories, pin and the size of the scope. A name is a button (Enter or a
// click selects the agent); ↑/↓ move between them.
import type { KeyboardEvent } from "react";
import type { Agent } from "../../bindings";
import { describePin } from "../../agents/text";

export function AgentList({
  agents,
  selected,
  onSelect,
  labelOf,
}: {
  agents: readonly Agent[];
  selected: string | null;
  onSelect(name: string): void;
  labelOf(key: string): string;
}) {
  if (agents.length === 0) {
    return (
      <p className="muted" data-testid="agents-empty">
        No agents yet. An agent searches only the documents under its categories: create one with “New agent”.
      </p>
    );
  }

  function onKeyDown(e: KeyboardEvent<HTMLButtonElement>, i: number) {
    const to = e.key === "ArrowDown" ? i + 1 : e.key === "ArrowUp" ? i - 1 : -1;
    if (to < 0 || to >= agents.length || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    const table = e.currentTarget.closest("table");
    table?.querySelectorAll<HTMLButtonElement>('[data-testid="agent-open"]')[to]?.focus();
    onSelect(agents[to].name);
  }

  return (
    <table className="audit-table agents-table" data-testid="agents-list">
      <thead>
        <tr>
          <th>Agent</th>
          <th>Categories</th>
          <th>Version</th>
          <th className="num">Documents</th>
          <th className="num">Chunks</th>
          <th className="num">Category nodes</th>
        </tr>
      </thead>
      <tbody>
        {agents.map((a, i) => (
          <tr key={a.name} data-testid="agent-row" data-name={a.name} aria-selected={a.name === selected} className={a.name === selected ? "selected" : ""}>
            <td className="nowrap">
              <button type="button" className="link" data-testid="agent-open" aria-current={a.name === selected} onClick={() => onSelect(a.name)} onKeyDown={(e) => onKeyDown(e, i)}>
                {a.name}
              </button>
              {a.can_login && (
                <span className="badge login" title="The agent's role can log in">
                  login
                </span>
              )}
            </td>
            <td data-testid="agent-categories">
              {a.categories.map((k) => (
                <span key={k} className="agent-category" data-key={k} title={k}>
                  {labelOf(k)}
                </span>
              ))}
            </td>
            <td className="nowrap" data-testid="agent-pin">
              {describePin(a.pinned_version)}
            </td>
            <td className="num" data-testid="agent-documents">
              {a.scope.documents}
            </td>
            <td className="num" data-testid="agent-chunks">
              {a.scope.chunks}
            </td>
            <td className="num" data-testid="agent-nodes">
              {a.scope.nodes}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
