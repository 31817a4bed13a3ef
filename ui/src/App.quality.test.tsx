// The Quality tab inside the whole window: a click on a finding reveals its nodes in the tree and
// highlights them (as the diff panel does with changed nodes); another tab shows its own highlights.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import type { ConnectionStatus, QualityReport } from "./bindings";
import { App } from "./App";
import * as api from "./api";
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
    "checkTaxonomy",
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

const REPORT: QualityReport = {
  version: 3,
  nodes: 7,
  counts: { duplicate_label: 1 },
  findings: [{ check: "duplicate_label", nodes: ["cat", "plant"], message: '2 nodes are labelled "x"' }],
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
  m.checkTaxonomy.mockResolvedValue(REPORT);
});

function row(key: string) {
  const r = screen.getAllByTestId("tree-row").find((e) => e.getAttribute("data-key") === key);
  if (!r) throw new Error(`no row ${key}`);
  return r;
}

describe("the Quality tab", () => {
  it("highlights a finding's nodes in the tree and reveals the first", async () => {
    render(<App />);
    await waitFor(() => expect(screen.getAllByTestId("tree-row")).toHaveLength(2));
    fireEvent.click(screen.getByTestId("tab-quality"));
    fireEvent.click(screen.getByTestId("quality-run"));
    await waitFor(() => expect(screen.getAllByTestId("quality-finding")).toHaveLength(1));
    expect(m.checkTaxonomy).toHaveBeenCalledWith(3);
    fireEvent.click(screen.getByTestId("quality-finding"));
    // "cat" is under animal > mammal: revealed, selected and highlighted; "plant" highlighted too.
    await waitFor(() => expect(row("cat").getAttribute("aria-selected")).toBe("true"));
    expect(row("cat").className).toContain("chg-edited");
    expect(row("plant").className).toContain("chg-edited");
    expect(row("animal").className).not.toContain("chg-");
    // On another tab the finding no longer colours the tree.
    fireEvent.click(screen.getByTestId("tab-details"));
    await waitFor(() => expect(row("cat").className).not.toContain("chg-"));
  });
});
