import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { AgentScopeSummary } from "./AgentScopeSummary";

describe("AgentScopeSummary", () => {
  it("names each agent whose scope changes, with its counts", () => {
    render(
      <AgentScopeSummary
        testId="scopes"
        changes={[{ agent: "support", documents_before: 40, documents_after: 37, added: 2, removed: 5 }]}
      />,
    );
    const line = screen.getByTestId("agent-scope-line");
    expect(line.dataset.agent).toBe("support");
    expect(line.textContent).toBe("support: +2 −5 documents in scope (40 → 37)");
  });

  it("renders nothing when no agent is touched", () => {
    const { container } = render(<AgentScopeSummary testId="scopes" changes={[]} />);
    expect(container.innerHTML).toBe("");
  });
});
