// The agents whose scope a change alters (diff panel, draft preview, rollback dialog):
// "Agent support: +2 −5 documents in scope (40 → 37)".
import type { ScopeChange } from "../bindings";

export function AgentScopeSummary({ changes, testId }: { changes: ScopeChange[]; testId: string }) {
  if (changes.length === 0) return null;
  return (
    <section className="impact" data-testid={testId}>
      <h4>Agents</h4>
      <ul className="plain">
        {changes.map((c) => (
          <li key={c.agent} data-testid="agent-scope-line" data-agent={c.agent}>
            <b>{c.agent}</b>: +{c.added} −{c.removed} documents in scope ({c.documents_before} → {c.documents_after})
          </li>
        ))}
      </ul>
    </section>
  );
}
