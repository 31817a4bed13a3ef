import { beforeEach, describe, expect, it, vi } from "vitest";
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import type { CommandError, DecisionOutcome } from "../../bindings";
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
    reviewDecide: vi.fn(),
    reviewSkip: vi.fn(),
    reviewUndo: vi.fn(),
    reviewItem: vi.fn(),
    reviewRecent: vi.fn(),
    reviewStats: vi.fn(),
    reviewList: vi.fn(),
    reviewBulkAccept: vi.fn(),
    classify: vi.fn(),
    findNodes: vi.fn(),
  };
});

const m = vi.mocked(api);
let q: FakeQueue;
let reported: unknown[];

function Harness() {
  const review = useReview();
  return <ReviewView review={review} active ready head={3} labelOf={(k) => k} />;
}

function renderView() {
  const services: Services = { run: (_label, fn) => fn(), report: (e) => reported.push(e) };
  return render(
    <ServicesContext.Provider value={services}>
      <Harness />
    </ServicesContext.Provider>,
  );
}

const title = () => screen.getByTestId("review-title").textContent;
const key = (k: string, opts: Partial<KeyboardEventInit> = {}) => fireEvent.keyDown(document.body, { key: k, ...opts });

async function shown(t: string) {
  await waitFor(() => expect(title()).toBe(t));
}

beforeEach(() => {
  vi.resetAllMocks();
  reported = [];
  q = new FakeQueue(7);
  m.reviewNext.mockImplementation(q.next);
  m.reviewDecide.mockImplementation(q.decide);
  m.reviewSkip.mockImplementation(q.skip);
  m.reviewUndo.mockImplementation(q.undo);
  m.reviewItem.mockImplementation(q.item);
  m.reviewRecent.mockImplementation(q.recent);
  m.reviewStats.mockResolvedValue(STATS);
  m.findNodes.mockResolvedValue([]);
});

describe("review focus mode", () => {
  it("shows the current item: excerpt with the top suggestion's words marked, suggestions, paths and why", async () => {
    renderView();
    await shown("Document 1");
    expect(m.reviewNext).toHaveBeenCalledWith({ filter: { under: [], reason: null, min_confidence: null, max_confidence: null }, order: "uncertainty", limit: 5, offset: null });
    const marks = [...screen.getByTestId("review-excerpt").querySelectorAll("mark")].map((e) => e.textContent);
    expect(marks).toEqual(["physics"]);
    const rows = screen.getAllByTestId("review-suggestion");
    expect(rows.map((r) => r.getAttribute("data-key"))).toEqual(["science.physics", "science.math", "tech.db"]);
    expect(within(rows[0]).getByTestId("review-confidence").textContent).toBe("56 %");
    expect(within(rows[0]).getByTestId("review-suggestion-why").textContent).toBe("similar labelled documents 56 % · description match 0.50");
    expect(within(rows[0]).getByTestId("review-paths").textContent).toBe("knowledge › science › Physics");
    expect(screen.getByTestId("review-reason").textContent).toBe("low confidence");
    expect(screen.getByTestId("review-left").textContent).toBe("7 left");
  });

  it("a accepts the top suggestion and shows the next item before the call returns; 2 accepts the second", async () => {
    let finish: (o: DecisionOutcome) => void = () => undefined;
    m.reviewDecide.mockImplementationOnce(
      (item, d) =>
        new Promise((resolve) => {
          finish = resolve;
          void q.decide(item, d);
        }),
    );
    renderView();
    await shown("Document 1");
    key("a");
    // Advanced at once, while the decision is still being saved.
    expect(title()).toBe("Document 2");
    await waitFor(() => expect(m.reviewDecide).toHaveBeenCalledWith(1, { action: "accept", categories: [] }));
    expect(title()).toBe("Document 2");
    await act(async () => finish({ item: 1, decision_id: 101, action: "accept", accepted: ["science.physics"], rejected: [] }));
    key("2");
    await shown("Document 3");
    await waitFor(() => expect(m.reviewDecide).toHaveBeenLastCalledWith(2, { action: "accept", categories: ["science.math"] }));
    // A digit past the suggestions decides nothing.
    key("7");
    expect(title()).toBe("Document 3");
    expect(screen.getByTestId("review-notice").textContent).toBe("There is no suggestion 7.");
    expect(m.reviewDecide).toHaveBeenCalledTimes(2);
  });

  it("does not fire while typing in an input", async () => {
    renderView();
    await shown("Document 1");
    const input = screen.getByTestId("review-under-find");
    input.focus();
    for (const k of ["a", "x", "1", " ", "Enter"]) fireEvent.keyDown(input, { key: k });
    fireEvent.keyDown(input, { key: "z", ctrlKey: true });
    expect(title()).toBe("Document 1");
    expect(m.reviewDecide).not.toHaveBeenCalled();
    expect(m.reviewUndo).not.toHaveBeenCalled();
    // Back outside the input, the keys work.
    input.blur();
    key("x");
    await shown("Document 2");
    expect(m.reviewDecide).toHaveBeenCalledWith(1, { action: "reject" });
  });

  it("x rejects, Space skips, and more items are fetched ahead as the queue runs low", async () => {
    renderView();
    await shown("Document 1");
    expect(m.reviewNext).toHaveBeenCalledTimes(1);
    key("x");
    key(" ");
    await waitFor(() => expect(m.reviewSkip).toHaveBeenCalledWith(2));
    key("a");
    // 2 of the 5 fetched are left: the next ones are asked for.
    await waitFor(() => expect(m.reviewNext).toHaveBeenCalledTimes(2));
    await shown("Document 4");
    key("a");
    key("a");
    await shown("Document 6");
    key("a");
    key("a");
    // The skipped item comes back at the end.
    await shown("Document 2");
    expect(m.reviewDecide.mock.calls.map((c) => c[0])).toEqual([1, 3, 4, 5, 6, 7]);
    key("a");
    await waitFor(() => expect(screen.getByTestId("review-empty").textContent).toContain("Nothing to review"));
  });

  it("Ctrl+Z undoes the last decision and makes its item current again", async () => {
    renderView();
    await shown("Document 1");
    key("a");
    await shown("Document 2");
    key("z", { ctrlKey: true });
    await shown("Document 1");
    expect(m.reviewUndo).toHaveBeenCalledWith(null);
    expect(m.reviewItem).toHaveBeenCalledWith(1);
    expect(screen.getByTestId("review-notice").textContent).toContain("Undid the decision on “Document 1”");
    // Decided again, it goes; the next is the one after it.
    key("a");
    await shown("Document 2");
  });

  it("a click on a recent decision undoes it and brings that item back", async () => {
    renderView();
    await shown("Document 1");
    key("a");
    key("a");
    key("x");
    await shown("Document 4");
    await waitFor(() => expect(screen.getAllByTestId("review-recent-entry")).toHaveLength(3));
    const entries = screen.getAllByTestId("review-recent-entry");
    expect(entries.map((e) => e.getAttribute("data-item"))).toEqual(["3", "2", "1"]);
    expect(entries[0].textContent).toContain("rejected");
    fireEvent.click(entries[2]);
    await shown("Document 1");
    expect(m.reviewUndo).toHaveBeenCalledWith(101);
    await waitFor(() => expect(screen.getAllByTestId("review-recent-entry")).toHaveLength(2));
  });

  it("a conflict says why and moves on", async () => {
    const conflict: CommandError = { kind: "conflict", message: "conflict: review item 1 was already decided by bob", path: null, keys: null };
    m.reviewDecide.mockRejectedValueOnce(conflict);
    renderView();
    await shown("Document 1");
    key("a");
    await waitFor(() => expect(screen.getByTestId("review-notice").getAttribute("data-kind")).toBe("conflict"));
    expect(screen.getByTestId("review-notice").textContent).toContain("already decided by bob");
    expect(title()).toBe("Document 2");
    expect(reported).toEqual([]);
  });

  it("another failure puts the item back and reports it", async () => {
    m.reviewDecide.mockRejectedValueOnce({ kind: "unavailable", message: "the database went away", path: null, keys: null });
    renderView();
    await shown("Document 1");
    key("a");
    await shown("Document 1");
    await waitFor(() => expect(reported).toHaveLength(1));
  });

  it("r opens the picker: type to find, Enter adds, Enter on the empty box reassigns; Escape cancels", async () => {
    m.findNodes.mockImplementation(async (_v, text) =>
      text.startsWith("bio")
        ? [{ key: "science.biology", label: "Biology", matched: "Biology", parent_labels: ["Science"], score: 1 }]
        : [{ key: "tech.ai", label: "Artificial intelligence", matched: "AI", parent_labels: ["Technology"], score: 1 }],
    );
    renderView();
    await shown("Document 1");
    key("r");
    const input = await screen.findByTestId("picker-input");
    await waitFor(() => expect(document.activeElement).toBe(input));
    // Keys typed in the picker decide nothing.
    fireEvent.keyDown(input, { key: "a" });
    fireEvent.change(input, { target: { value: "bio" } });
    await screen.findByTestId("picker-hit");
    expect(m.findNodes).toHaveBeenCalledWith(3, "bio", 20);
    fireEvent.keyDown(input, { key: "Enter" });
    await waitFor(() => expect(screen.getAllByTestId("picker-chip").map((c) => c.getAttribute("data-key"))).toEqual(["science.biology"]));
    fireEvent.change(input, { target: { value: "ai" } });
    await waitFor(() => expect(screen.getByTestId("picker-hit").getAttribute("data-key")).toBe("tech.ai"));
    fireEvent.keyDown(input, { key: "Enter" });
    await waitFor(() => expect(screen.getAllByTestId("picker-chip")).toHaveLength(2));
    // Backspace on the empty box drops the last pick; Enter confirms.
    fireEvent.keyDown(input, { key: "Backspace" });
    expect(screen.getAllByTestId("picker-chip")).toHaveLength(1);
    fireEvent.keyDown(input, { key: "Enter" });
    await shown("Document 2");
    expect(screen.queryByTestId("review-picker")).toBeNull();
    expect(m.reviewDecide).toHaveBeenCalledTimes(1);
    expect(m.reviewDecide).toHaveBeenCalledWith(1, { action: "reassign", to: ["science.biology"] });

    key("r");
    const again = await screen.findByTestId("picker-input");
    fireEvent.keyDown(again, { key: "Escape" });
    expect(screen.queryByTestId("review-picker")).toBeNull();
    expect(title()).toBe("Document 2");
    expect(m.reviewDecide).toHaveBeenCalledTimes(1);
  });

  it("says why the queue could not be read, and reads it again on Retry", async () => {
    m.reviewNext.mockRejectedValueOnce({ kind: "invalid_input", message: "a confidence must be in [0, 1], not 2", path: null, keys: null });
    renderView();
    const err = await screen.findByTestId("review-load-error");
    expect(err.textContent).toContain("Could not read the review queue: a confidence must be in [0, 1], not 2");
    fireEvent.click(screen.getByTestId("review-retry"));
    await shown("Document 1");
    expect(m.reviewNext).toHaveBeenCalledTimes(2);
  });

  it("says when there is nothing to review, and offers to drop the filter", async () => {
    q = new FakeQueue(0);
    m.reviewNext.mockImplementation(q.next);
    renderView();
    const empty = await screen.findByTestId("review-empty");
    expect(empty.textContent).toContain("Nothing to review.");
    expect(screen.queryByTestId("review-clear-filter")).toBeNull();
    fireEvent.change(screen.getByTestId("review-reason-filter"), { target: { value: "category_removed" } });
    await waitFor(() => expect(m.reviewNext).toHaveBeenLastCalledWith(expect.objectContaining({ filter: expect.objectContaining({ reason: "category_removed" }) })));
    await waitFor(() => expect(screen.getByTestId("review-empty").textContent).toContain("Nothing to review matching the filter."));
    fireEvent.click(screen.getByTestId("review-clear-filter"));
    await waitFor(() => expect(m.reviewNext).toHaveBeenLastCalledWith(expect.objectContaining({ filter: expect.objectContaining({ reason: null }) })));
  });
});
