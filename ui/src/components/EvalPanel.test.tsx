import { beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import type { EvalReport, ModeReport } from "../bindings";
import * as api from "../api";
import { ServicesContext, type Services } from "../services";
import { EvalPanel } from "./EvalPanel";

vi.mock("../api", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../api")>();
  return { ...actual, evalSets: vi.fn(), evalRun: vi.fn(), evalLast: vi.fn() };
});
const m = vi.mocked(api);

function mode(mode: ModeReport["mode"], ndcg: number): ModeReport {
  return { mode, recall: 0.9, mrr: 0.75, ndcg, p50_ms: 12, p95_ms: 30.5, fusion: null, tuned: false, notice: null, per_query: [] };
}

function report(over: Partial<EvalReport> = {}): EvalReport {
  return {
    set: "support",
    queries: 150,
    k: 10,
    version: 3,
    agent: null,
    model: "all-MiniLM-L6-v2",
    modes: [mode("hybrid", 0.812), mode("bm25", 0.7), mode("vector", 0.65)],
    run_at: "2026-12-01T20:00:00Z",
    ...over,
  };
}

let reported: unknown[];

function renderPanel() {
  const services: Services = { run: (_l, fn) => fn(), report: (e) => reported.push(e) };
  render(
    <ServicesContext.Provider value={services}>
      <EvalPanel version={3} />
    </ServicesContext.Provider>,
  );
  const panel = screen.getByTestId("eval-panel") as HTMLDetailsElement;
  panel.open = true;
  fireEvent(panel, new Event("toggle"));
}

beforeEach(() => {
  vi.clearAllMocks();
  reported = [];
  m.evalSets.mockResolvedValue([{ name: "support", queries: 150, created_by: "ops", updated_at: "2026-12-01T19:00:00Z" }]);
  m.evalLast.mockResolvedValue(null);
  m.evalRun.mockResolvedValue(report());
});

describe("eval panel", () => {
  it("reads nothing until it is opened, then shows the set's last result at the viewed version", async () => {
    m.evalLast.mockResolvedValue(report());
    render(<EvalPanel version={3} />);
    expect(m.evalSets).not.toHaveBeenCalled();
    const panel = screen.getByTestId("eval-panel") as HTMLDetailsElement;
    panel.open = true;
    fireEvent(panel, new Event("toggle"));
    await waitFor(() => expect(screen.getAllByTestId("eval-row")).toHaveLength(3));
    expect(m.evalLast).toHaveBeenCalledWith("support", null, 3);
    const hybrid = screen.getAllByTestId("eval-row")[0];
    expect(hybrid.dataset.mode).toBe("hybrid");
    expect(Array.from(hybrid.querySelectorAll("td")).map((td) => td.textContent)).toEqual([
      "Hybrid",
      "0.900",
      "0.750",
      "0.812",
      "12 ms",
      "31 ms",
    ]);
    expect(screen.getByTestId("eval-caption").textContent).toContain("150 queries, k = 10, version 3");
  });

  it("runs the chosen set and shows the new result", async () => {
    renderPanel();
    expect(await screen.findByTestId("eval-none")).toBeTruthy();
    fireEvent.click(screen.getByTestId("eval-run"));
    await waitFor(() => expect(m.evalRun).toHaveBeenCalledWith("support", null, 3));
    expect(await screen.findByTestId("eval-result")).toBeTruthy();
    expect(reported).toEqual([]);
  });

  it("says how to make a set when there is none, and reports a failed run", async () => {
    m.evalSets.mockResolvedValue([]);
    renderPanel();
    expect((await screen.findByTestId("eval-no-sets")).textContent).toContain("dtrag eval sets add");
    expect(m.evalLast).not.toHaveBeenCalled();
  });

  it("reports a failed run in the banner", async () => {
    m.evalRun.mockRejectedValue({ kind: "invalid_input", message: "no golden set", path: null, keys: null });
    renderPanel();
    fireEvent.click(await screen.findByTestId("eval-run"));
    await waitFor(() => expect(reported).toHaveLength(1));
  });
});
