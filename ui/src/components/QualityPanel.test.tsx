import { beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import type { QualityReport } from "../bindings";
import * as api from "../api";
import { QualityPanel } from "./QualityPanel";

vi.mock("../api", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../api")>();
  return { ...actual, checkTaxonomy: vi.fn() };
});

const m = vi.mocked(api);

const REPORT: QualityReport = {
  version: 3,
  nodes: 5,
  counts: { orphan_concept: 1, duplicate_label: 1 },
  findings: [
    { check: "orphan_concept", nodes: ["lonely"], message: '"lonely" has no parent and no child' },
    { check: "duplicate_label", nodes: ["bank1", "bank2"], message: '2 nodes are labelled "bank"' },
  ],
};

beforeEach(() => {
  vi.clearAllMocks();
  m.checkTaxonomy.mockResolvedValue(REPORT);
});

describe("QualityPanel", () => {
  it("runs the checks on the version shown and lists the findings with their counts", async () => {
    render(<QualityPanel version={3} ready onShowNodes={() => {}} />);
    fireEvent.click(screen.getByTestId("quality-run"));
    await waitFor(() => expect(screen.getByTestId("quality-summary").textContent).toContain("2 finding(s)"));
    expect(m.checkTaxonomy).toHaveBeenCalledWith(3);
    expect(screen.getAllByTestId("quality-finding")).toHaveLength(2);
    expect(screen.getByTestId("quality-count-orphan_concept").textContent).toBe("Orphan concepts: 1");
    // A count filters the list to its kind.
    fireEvent.click(screen.getByTestId("quality-count-duplicate_label"));
    expect(screen.getAllByTestId("quality-finding").map((b) => b.dataset.check)).toEqual(["duplicate_label"]);
  });

  it("a click on a finding highlights its nodes; a second click clears them", async () => {
    const shown = vi.fn();
    render(<QualityPanel version={null} ready onShowNodes={shown} />);
    fireEvent.click(screen.getByTestId("quality-run"));
    await waitFor(() => expect(screen.getAllByTestId("quality-finding")).toHaveLength(2));
    fireEvent.click(screen.getAllByTestId("quality-finding")[1]);
    expect(shown).toHaveBeenLastCalledWith(["bank1", "bank2"]);
    fireEvent.click(screen.getAllByTestId("quality-finding")[1]);
    expect(shown).toHaveBeenLastCalledWith([]);
  });

  it("cannot run without a connection", () => {
    render(<QualityPanel version={null} ready={false} onShowNodes={() => {}} />);
    expect((screen.getByTestId("quality-run") as HTMLButtonElement).disabled).toBe(true);
  });
});
