import { beforeEach, describe, expect, it, vi } from "vitest";
import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import type { BulkOutcome, ClassifyOutcome, Progress } from "../../bindings";
import * as api from "../../api";
import { useReview } from "../../hooks/useReview";
import { ServicesContext, type Services } from "../../services";
import { FakeQueue } from "../../test/fakeQueue";
import { STATS } from "../../test/reviewFixtures";
import { ReviewView } from "./ReviewView";

vi.mock("../../api", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../api")>();
  return {
    ...actual,
    reviewNext: vi.fn(),
    reviewRecent: vi.fn(),
    reviewStats: vi.fn(),
    reviewList: vi.fn(),
    reviewBulkAccept: vi.fn(),
    reviewItem: vi.fn(),
    classify: vi.fn(),
    findNodes: vi.fn(),
  };
});

const m = vi.mocked(api);
let q: FakeQueue;

function Harness({ ready = true }: { ready?: boolean }) {
  const review = useReview();
  return <ReviewView review={review} active ready={ready} head={3} labelOf={(k) => k} />;
}

function renderView(ready = true) {
  const services: Services = { run: (_label, fn) => fn(), report: () => undefined };
  return render(
    <ServicesContext.Provider value={services}>
      <Harness ready={ready} />
    </ServicesContext.Provider>,
  );
}

const OUTCOME: ClassifyOutcome = {
  run: 2,
  model: "all-MiniLM-L6-v2",
  version: 3,
  documents: 4,
  without_vectors: 0,
  auto_accepted: 1,
  auto_accepted_documents: 1,
  queued: 3,
  audit_samples: 0,
  splits_rescored: 0,
  splits_auto_accepted: 0,
  labelled: 34,
  threshold: 0.7,
  estimated_precision: 0.83,
  estimated_hitl_rate: 0.82,
  top1_accuracy: 0.6,
  calibration_error: 0.05,
  curve: [],
  notice: null,
  elapsed_ms: 40,
};

const bulk = (over: Partial<BulkOutcome>): BulkOutcome => ({ matched: 7, below_floor: 0, floor: 0.5, accepted: 0, dry_run: true, ...over });

beforeEach(() => {
  vi.resetAllMocks();
  q = new FakeQueue(7);
  m.reviewNext.mockImplementation(q.next);
  m.reviewRecent.mockImplementation(q.recent);
  m.reviewItem.mockImplementation(q.item);
  m.reviewStats.mockResolvedValue(STATS);
  m.reviewList.mockImplementation(async (req) => ({ total: q.open.length, total_exact: true, items: q.open.slice(req.offset ?? 0, (req.offset ?? 0) + (req.limit ?? 50)) }));
  m.findNodes.mockResolvedValue([]);
});

describe("review metrics", () => {
  it("shows pending, decided today, HITL rate and both precisions", async () => {
    renderView();
    await waitFor(() => expect(screen.getByTestId("metric-pending").textContent).toBe("12"));
    expect(screen.getByTestId("metric-decided-today").textContent).toBe("3");
    expect(screen.getByTestId("metric-hitl-rate").textContent).toBe("100.0 %");
    expect(screen.getByTestId("metric-measured-precision").textContent).toBe("75.0 %");
    expect(screen.getByTestId("metric-estimated-precision").textContent).toBe("–");
  });

  it("the dial reads the coverage and HITL rate of a target off the last run's curve", async () => {
    renderView();
    // Starts at the last run's target (90 %): only the empty top of the curve reaches it.
    await waitFor(() => expect(screen.getByTestId("dial-readout").textContent).toBe("No threshold reaches 90 % on the labelled documents."));
    expect(screen.getByTestId("dial-target").textContent).toBe("90 %");
    fireEvent.change(screen.getByTestId("precision-dial"), { target: { value: "0.8" } });
    expect(screen.getByTestId("dial-readout").textContent).toBe("threshold 0.70: 18 % auto-accepted, 82 % to review");
    fireEvent.change(screen.getByTestId("precision-dial"), { target: { value: "0.55" } });
    expect(screen.getByTestId("dial-readout").textContent).toBe("threshold 0.50: 97 % auto-accepted, 3 % to review");
  });

  it("Classify runs with the dial's precision, shows its progress, then the outcome, and fetches the queue again", async () => {
    let report: (p: Progress) => void = () => undefined;
    let finish: (o: ClassifyOutcome) => void = () => undefined;
    m.classify.mockImplementation(
      (_req, onProgress) =>
        new Promise((resolve) => {
          report = onProgress;
          finish = resolve;
        }),
    );
    renderView();
    await waitFor(() => expect(m.reviewNext).toHaveBeenCalledTimes(1));
    fireEvent.change(screen.getByTestId("precision-dial"), { target: { value: "0.8" } });
    fireEvent.click(screen.getByTestId("classify-button"));
    await waitFor(() => expect(m.classify).toHaveBeenCalledWith({ model: null, precision: 0.8, documents: "unreviewed", audit_share: null }, expect.any(Function)));
    act(() => report({ stage: "classifying", done: 2, total: 4 }));
    expect(screen.getByTestId("classify-progress").textContent).toBe("classifying: 2 of 4");
    expect(screen.getByTestId("classify-button").textContent).toBe("Classifying…");
    await act(async () => finish(OUTCOME));
    expect(screen.getByTestId("classify-result").textContent).toContain("Classified 4 documents with all-MiniLM-L6-v2: 1 auto-accepted, 3 to review (threshold 0.70)");
    expect(screen.queryByTestId("classify-progress")).toBeNull();
    await waitFor(() => expect(m.reviewNext).toHaveBeenCalledTimes(2));
    await waitFor(() => expect(m.reviewStats.mock.calls.length).toBeGreaterThanOrEqual(2));
  });

  it("says why classifying is not possible", async () => {
    m.classify.mockRejectedValue({ kind: "invalid_input", message: 'model "m" has no vectors: run `dtrag embed --model m` first', path: null, keys: null });
    renderView();
    fireEvent.click(screen.getByTestId("classify-button"));
    const err = await screen.findByTestId("classify-error");
    expect(err.textContent).toBe('Cannot classify: model "m" has no vectors: run `dtrag embed --model m` first');
    expect(err.getAttribute("data-kind")).toBe("invalid_input");
  });

  it("without a database says so", () => {
    renderView(false);
    expect(screen.getByTestId("review-no-database").textContent).toContain("Not connected");
    expect(m.reviewNext).not.toHaveBeenCalled();
  });
});

describe("review bulk mode", () => {
  it("lists the matching items, counts a bulk accept first, then accepts them all", async () => {
    renderView();
    fireEvent.click(screen.getByTestId("review-mode-bulk"));
    await waitFor(() => expect(screen.getAllByTestId("bulk-row")).toHaveLength(7));
    expect(m.reviewList).toHaveBeenCalledWith(expect.objectContaining({ limit: 100, offset: 0 }));
    expect(screen.getAllByTestId("bulk-row")[0].textContent).toContain("Document 1");
    m.reviewBulkAccept.mockResolvedValueOnce(bulk({}));
    fireEvent.click(screen.getByTestId("bulk-select-all"));
    await waitFor(() => expect(screen.getByTestId("bulk-preview").textContent).toBe("Accepts the top suggestion of 7 items."));
    expect(m.reviewBulkAccept).toHaveBeenLastCalledWith({ filter: expect.objectContaining({ under: [] }), floor: null, force: false, dry_run: true });
    m.reviewBulkAccept.mockResolvedValueOnce(bulk({ accepted: 7, dry_run: false }));
    fireEvent.click(screen.getByTestId("bulk-accept"));
    await waitFor(() => expect(screen.getByTestId("bulk-result").textContent).toBe("Accepted the top suggestion of 7 items."));
    expect(m.reviewBulkAccept).toHaveBeenLastCalledWith(expect.objectContaining({ force: false, dry_run: false }));
  });

  it("shows the floor's refusal and accepts anyway only when asked", async () => {
    renderView();
    fireEvent.click(screen.getByTestId("review-mode-bulk"));
    await waitFor(() => expect(screen.getAllByTestId("bulk-row")).toHaveLength(7));
    m.reviewBulkAccept
      .mockRejectedValueOnce({ kind: "invalid_input", message: "2 of the 7 matching items have a top confidence below 0.50", path: null, keys: null })
      .mockResolvedValueOnce(bulk({ below_floor: 2 }));
    fireEvent.click(screen.getByTestId("bulk-select-all"));
    const refused = await screen.findByTestId("bulk-refused");
    expect(refused.textContent).toContain("2 of the 7 matching items have a top confidence below 50 %");
    expect(screen.queryByTestId("bulk-accept")).toBeNull();
    expect(m.reviewBulkAccept).toHaveBeenLastCalledWith(expect.objectContaining({ force: true, dry_run: true }));
    m.reviewBulkAccept.mockResolvedValueOnce(bulk({ below_floor: 2, accepted: 7, dry_run: false }));
    fireEvent.click(screen.getByTestId("bulk-accept-anyway"));
    await screen.findByTestId("bulk-result");
    expect(m.reviewBulkAccept).toHaveBeenLastCalledWith(expect.objectContaining({ force: true, dry_run: false }));
  });

  it("opens a row in focus mode with Enter", async () => {
    renderView();
    fireEvent.click(screen.getByTestId("review-mode-bulk"));
    await waitFor(() => expect(screen.getAllByTestId("bulk-row")).toHaveLength(7));
    fireEvent.keyDown(screen.getAllByTestId("bulk-row")[4], { key: "Enter" });
    await waitFor(() => expect(screen.getByTestId("review-title").textContent).toBe("Document 5"));
    expect(m.reviewItem).toHaveBeenCalledWith(5);
  });
});
