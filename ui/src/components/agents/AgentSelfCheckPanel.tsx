// The leak self-check: one button, then each probe with its outcome.
import type { AgentSelfCheck } from "../../hooks/useAgentSelfCheck";
import { InlineError } from "../InlineError";

export function AgentSelfCheckPanel({ c }: { c: AgentSelfCheck }) {
  return (
    <section className="agent-self-check" data-testid="agent-self-check" aria-label="Isolation self-check">
      <h4>Isolation</h4>
      <div className="buttons">
        <button type="button" data-testid="agent-check" disabled={c.busy} onClick={() => void c.check()}>
          Run the leak self-check
        </button>
        {c.result && (
          <span data-testid="agent-check-verdict" data-passed={c.result.passed}>
            {c.result.passed ? "Reads only its scope." : "NOT isolated: see the failed probes."}
          </span>
        )}
      </div>
      {c.result && (
        <ul className="plain">
          {c.result.probes.map((p) => (
            <li key={p.name} data-testid="agent-check-probe" data-passed={p.passed}>
              {p.passed ? "✓" : "✗"} <b>{p.name}</b>: {p.detail}
            </li>
          ))}
        </ul>
      )}
      <InlineError error={c.error} testId="agent-check-error" />
    </section>
  );
}
