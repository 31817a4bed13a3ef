// The agents tab inside the whole window: the tab opens it with the focus in it, "New agent"
// starts with the category selected in the tree, and coming back to the tab reads the agents (and
// so their scopes) again.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import type { ConnectionStatus } from "./bindings";
import { App } from "./App";
import * as api from "./api";
import { AGENTS } from "./test/agentFixtures";
import { CHILDREN, details, emptyDiff, ROOTS, VERSIONS } from "./test/fixtures";

vi.mock("./api", async (importOriginal) => {
  const actual = await importOriginal<typeof import("./api")>();
  const fns = [
    "connectionStatus",
    "listVersions",
    "roots",
    "children",
    "nodeDetails",
    "findNodes",
    "diffVersions",
    "auditLog",
    "embeddingModels",
    "categoryCounts",
    "agentsList",
    "agentsCreate",
  ];
  return { ...actual, ...Object.fromEntries(fns.map((f) => [f, vi.fn()])) };
});

const m = vi.mocked(api);

const READY: ConnectionStatus = {
  state: "ready",
  kind: "embedded",
  description: "/var/lib/dtrag",
  error: null,
  keyring_available: false,
  keyring_message: null,
  author: "tester",
};

beforeEach(() => {
  vi.clearAllMocks();
  m.connectionStatus.mockResolvedValue(READY);
  m.listVersions.mockResolvedValue(VERSIONS);
  m.roots.mockResolvedValue(ROOTS);
  m.children.mockImplementation(async (_v, key) => CHILDREN[key] ?? []);
  m.nodeDetails.mockImplementation(async (v, key) => details(key, v));
  m.findNodes.mockResolvedValue([]);
  m.diffVersions.mockImplementation(async (from, to) => emptyDiff(from, to));
  m.auditLog.mockResolvedValue([]);
  m.embeddingModels.mockResolvedValue([]);
  m.categoryCounts.mockResolvedValue([]);
  m.agentsList.mockResolvedValue(AGENTS);
});

function row(key: string) {
  const r = screen.getAllByTestId("tree-row").find((e) => e.getAttribute("data-key") === key);
  if (!r) throw new Error(`no row ${key}`);
  return r;
}

describe("agents in the window", () => {
  it("the Agents tab lists the agents; N opens New agent with the tree's selected category", async () => {
    render(<App />);
    await waitFor(() => expect(screen.getAllByTestId("tree-row")).toHaveLength(2));
    expect(screen.getAllByRole("tab").map((t) => t.textContent)).toEqual([
      "Details",
      "Search",
      "Review",
      "Agents",
      "Diff",
      "Draft",
      "Quality",
      "History",
      "Connection",
    ]);
    fireEvent.click(row("plant"));
    fireEvent.click(screen.getByTestId("tab-agents"));
    await waitFor(() => expect(screen.getAllByTestId("agent-row")).toHaveLength(2));
    expect(m.agentsList).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("agents-panel")));
    fireEvent.keyDown(document.activeElement!, { key: "n" });
    const dialog = await screen.findByTestId("agent-new-dialog");
    const chip = within(dialog).getByTestId("category-chip");
    expect(chip.getAttribute("data-key")).toBe("plant");
    expect(chip.textContent).toContain("Plant");
    fireEvent.click(screen.getByTestId("agent-new-cancel"));
    expect(screen.queryByTestId("agent-new-dialog")).toBeNull();

    // Back on the tab later: the list (and so the scopes) is read again.
    fireEvent.click(screen.getByTestId("tab-details"));
    fireEvent.click(screen.getByTestId("tab-agents"));
    await waitFor(() => expect(m.agentsList).toHaveBeenCalledTimes(2));
  });
});
