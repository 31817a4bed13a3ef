// The review tab inside the whole window: the tree's counts lead to it, its Ctrl+Z is its own,
// and the draft preview says which documents a change sends to review.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import type { ConnectionStatus, Diff } from "./bindings";
import { App } from "./App";
import * as api from "./api";
import { CHILDREN, details, emptyDiff, ROOTS, SAMPLE_DIFF, VERSIONS } from "./test/fixtures";
import { FakeQueue } from "./test/fakeQueue";
import { STATS } from "./test/reviewFixtures";

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
    "previewEdits",
    "auditLog",
    "embeddingModels",
    "categoryCounts",
    "reviewNext",
    "reviewDecide",
    "reviewUndo",
    "reviewItem",
    "reviewRecent",
    "reviewStats",
    "reviewRelease",
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

let q: FakeQueue;

beforeEach(() => {
  vi.clearAllMocks();
  q = new FakeQueue(3);
  m.connectionStatus.mockResolvedValue(READY);
  m.listVersions.mockResolvedValue(VERSIONS);
  m.roots.mockResolvedValue(ROOTS);
  m.children.mockImplementation(async (_v, key) => CHILDREN[key] ?? []);
  m.nodeDetails.mockImplementation(async (v, key) => details(key, v));
  m.findNodes.mockResolvedValue([]);
  m.diffVersions.mockImplementation(async (from, to) => emptyDiff(from, to));
  m.auditLog.mockResolvedValue([]);
  m.embeddingModels.mockResolvedValue([]);
  m.categoryCounts.mockImplementation(async (keys) =>
    keys.map((key) => ({ key, documents: key === "animal" ? 4 : 0, pending: key === "animal" ? 2 : key === "plant" ? 1 : 0 })),
  );
  m.reviewNext.mockImplementation(q.next);
  m.reviewDecide.mockImplementation(q.decide);
  m.reviewUndo.mockImplementation(q.undo);
  m.reviewItem.mockImplementation(q.item);
  m.reviewRecent.mockImplementation(q.recent);
  m.reviewStats.mockResolvedValue(STATS);
  m.reviewRelease.mockResolvedValue(0);
});

function row(key: string) {
  const r = screen.getAllByTestId("tree-row").find((e) => e.getAttribute("data-key") === key);
  if (!r) throw new Error(`no row ${key}`);
  return r;
}

describe("review in the window", () => {
  it("a new filter gives the items leased for the old one back before fetching", async () => {
    render(<App />);
    await waitFor(() => expect(within(row("animal")).getByTestId("tree-pending").textContent).toBe("2 to review"));
    fireEvent.click(within(row("animal")).getByTestId("tree-pending"));
    await screen.findByTestId("review-current");
    expect(m.reviewRelease).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId("review-under-remove"));
    await waitFor(() => expect(m.reviewRelease).toHaveBeenCalledTimes(1));
    await waitFor(() => expect(m.reviewNext).toHaveBeenLastCalledWith(expect.objectContaining({ filter: expect.objectContaining({ under: [] }) })));
  });

  it("the tree shows documents and pending reviews per category; a pending count opens that subtree's queue", async () => {
    render(<App />);
    await waitFor(() => expect(within(row("animal")).getByTestId("tree-pending").textContent).toBe("2 to review"));
    expect(m.categoryCounts).toHaveBeenCalledWith(["animal", "plant"]);
    expect(within(row("animal")).getByTestId("tree-docs").textContent).toBe("4 docs");
    expect(within(row("plant")).queryByTestId("tree-docs")).toBeNull();
    fireEvent.click(within(row("animal")).getByTestId("tree-pending"));
    await waitFor(() => expect(screen.getByTestId("tab-review").getAttribute("aria-selected")).toBe("true"));
    await waitFor(() => expect(m.reviewNext).toHaveBeenCalledWith(expect.objectContaining({ filter: expect.objectContaining({ under: ["animal"] }) })));
    expect(screen.getByTestId("review-under-chip").getAttribute("data-key")).toBe("animal");
    expect(m.reviewRelease).not.toHaveBeenCalled();
    // A decision reads the counts again.
    await screen.findByTestId("review-current");
    const before = m.categoryCounts.mock.calls.length;
    fireEvent.keyDown(document.body, { key: "a" });
    await waitFor(() => expect(m.categoryCounts.mock.calls.length).toBeGreaterThan(before));
  });

  it("Ctrl+Z on the review tab undoes the review decision, not a draft step", async () => {
    render(<App />);
    await waitFor(() => expect(screen.getAllByTestId("tree-row")).toHaveLength(2));
    // A draft step first.
    fireEvent.click(row("plant"));
    fireEvent.keyDown(screen.getByTestId("tree"), { key: "F2" });
    const input = await screen.findByTestId("rename-input");
    fireEvent.change(input, { target: { value: "Plants" } });
    fireEvent.keyDown(input, { key: "Enter" });
    await waitFor(() => expect(screen.getByTestId("tab-draft").textContent).toBe("Draft (1)"));

    fireEvent.click(screen.getByTestId("tab-review"));
    await waitFor(() => expect(screen.getByTestId("review-title").textContent).toBe("Document 1"));
    fireEvent.keyDown(document.body, { key: "a" });
    await waitFor(() => expect(screen.getByTestId("review-title").textContent).toBe("Document 2"));
    fireEvent.keyDown(document.body, { key: "z", ctrlKey: true });
    await waitFor(() => expect(screen.getByTestId("review-title").textContent).toBe("Document 1"));
    expect(m.reviewUndo).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId("tab-draft").textContent).toBe("Draft (1)");
  });

  it("the draft preview says which documents a delete sends to review", async () => {
    const diff: Diff = {
      ...SAMPLE_DIFF,
      impact: {
        entries: [{ key: "plant", change: "removed", documents: 2, sample: ["sample/leaves", "sample/roots"] }],
        sent_to_review: 2,
        carried_by_merge: 0,
        split_items: 0,
        restored: 0,
      },
    };
    m.previewEdits.mockResolvedValue(diff);
    render(<App />);
    await waitFor(() => expect(screen.getAllByTestId("tree-row")).toHaveLength(2));
    fireEvent.click(row("plant"));
    fireEvent.keyDown(screen.getByTestId("tree"), { key: "Delete" });
    fireEvent.click(screen.getByTestId("tab-draft"));
    const impact = await screen.findByTestId("preview-impact");
    expect(within(impact).getByTestId("impact-line").textContent).toBe(
      "2 documents will go to review (category removed): plant (2: sample/leaves, sample/roots)",
    );
  });
});
