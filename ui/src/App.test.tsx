import { beforeEach, describe, expect, it, vi } from "vitest";
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import type { ConnectionStatus, Diff, Version } from "./bindings";
import { App } from "./App";
import * as api from "./api";
import { CHILDREN, details, emptyDiff, NO_IMPACT, ROOTS, SAMPLE_DIFF, VERSIONS } from "./test/fixtures";

vi.mock("./api", async (importOriginal) => {
  const actual = await importOriginal<typeof import("./api")>();
  return {
    ...actual,
    connectionStatus: vi.fn(),
    connect: vi.fn(),
    forgetConnection: vi.fn(),
    listVersions: vi.fn(),
    roots: vi.fn(),
    children: vi.fn(),
    nodeDetails: vi.fn(),
    findNodes: vi.fn(),
    diffVersions: vi.fn(),
    previewEdits: vi.fn(),
    publishEdits: vi.fn(),
    previewRollback: vi.fn(),
    rollback: vi.fn(),
    auditLog: vi.fn(),
    importTaxonomy: vi.fn(),
    search: vi.fn(),
    embeddingModels: vi.fn(),
    categoryCounts: vi.fn(),
  };
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

let versions: Version[];

beforeEach(() => {
  vi.clearAllMocks();
  versions = [...VERSIONS];
  m.connectionStatus.mockResolvedValue(READY);
  m.listVersions.mockImplementation(async () => versions);
  m.roots.mockResolvedValue(ROOTS);
  m.children.mockImplementation(async (_v, key) => CHILDREN[key] ?? []);
  m.nodeDetails.mockImplementation(async (v, key) => details(key, v));
  m.findNodes.mockResolvedValue([]);
  m.diffVersions.mockImplementation(async (from, to) => emptyDiff(from, to));
  m.previewEdits.mockImplementation(async (base) => ({ ...SAMPLE_DIFF, from: base, to: base + 1 }));
  m.auditLog.mockResolvedValue([]);
  m.embeddingModels.mockResolvedValue([]);
  m.categoryCounts.mockResolvedValue([]);
});

function rows() {
  return screen.queryAllByTestId("tree-row").map((r) => `${r.getAttribute("data-depth")}:${r.getAttribute("data-key")}`);
}

function row(key: string, nth = 0) {
  const found = screen.getAllByTestId("tree-row").filter((r) => r.getAttribute("data-key") === key);
  if (!found[nth]) throw new Error(`no row ${key} #${nth}; rows: ${rows().join(" ")}`);
  return found[nth];
}

async function renderLoaded() {
  render(<App />);
  await waitFor(() => expect(rows()).toEqual(["0:animal", "0:plant"]));
  expect(m.roots).toHaveBeenCalledWith(3);
}

async function renameAnimal(to: string) {
  fireEvent.click(row("animal"));
  const tree = screen.getByTestId("tree");
  fireEvent.keyDown(tree, { key: "F2" });
  const input = await screen.findByTestId("rename-input");
  fireEvent.change(input, { target: { value: to } });
  fireEvent.keyDown(input, { key: "Enter" });
}

describe("tree", () => {
  it("renders the roots and expands with ArrowRight and with a click on the twisty", async () => {
    await renderLoaded();
    const tree = screen.getByTestId("tree");
    fireEvent.click(row("animal"));
    fireEvent.keyDown(tree, { key: "ArrowRight" });
    await waitFor(() => expect(rows()).toEqual(["0:animal", "1:mammal", "1:pet", "0:plant"]));
    expect(m.children).toHaveBeenCalledWith(3, "animal");

    // ArrowRight again goes to the first child; ArrowDown to "pet"; ArrowRight expands it.
    fireEvent.keyDown(tree, { key: "ArrowRight" });
    expect(row("mammal").getAttribute("aria-selected")).toBe("true");
    fireEvent.keyDown(tree, { key: "ArrowDown" });
    fireEvent.keyDown(tree, { key: "ArrowRight" });
    await waitFor(() => expect(rows()).toContain("2:fish"));

    // Click the twisty of "mammal".
    fireEvent.click(within(row("mammal")).getByTestId("tree-toggle"));
    await waitFor(() =>
      expect(rows()).toEqual(["0:animal", "1:mammal", "2:cat", "2:dog", "1:pet", "2:dog", "2:fish", "0:plant"]),
    );
    // "dog" has two parents: shown under each, with the mark, as two distinct rows.
    expect(within(row("dog", 0)).getByTestId("multi-parent").textContent).toBe("⋔ 2");
    expect(within(row("dog", 1)).getByTestId("multi-parent").textContent).toBe("⋔ 2");
    expect(row("dog", 0).getAttribute("data-row-id")).not.toBe(row("dog", 1).getAttribute("data-row-id"));

    // ArrowLeft on a leaf goes to its parent row; on an expanded row it collapses.
    fireEvent.click(row("dog", 1));
    fireEvent.keyDown(tree, { key: "ArrowLeft" });
    expect(row("pet").getAttribute("aria-selected")).toBe("true");
    fireEvent.keyDown(tree, { key: "ArrowLeft" });
    await waitFor(() => expect(rows()).toEqual(["0:animal", "1:mammal", "2:cat", "2:dog", "1:pet", "0:plant"]));
  });

  it("type-to-find selects the next visible row starting with the typed letters", async () => {
    await renderLoaded();
    const tree = screen.getByTestId("tree");
    fireEvent.keyDown(tree, { key: "p" });
    expect(row("plant").getAttribute("aria-selected")).toBe("true");
    fireEvent.keyDown(tree, { key: "a" });
    // "pa" matches nothing: the selection stays.
    expect(row("plant").getAttribute("aria-selected")).toBe("true");
  });

  it("Enter opens the details of the selected row", async () => {
    await renderLoaded();
    fireEvent.click(row("plant"));
    fireEvent.keyDown(screen.getByTestId("tree"), { key: "Enter" });
    expect(await screen.findByTestId("details-label")).toHaveProperty("textContent", "Plant");
    expect(m.nodeDetails).toHaveBeenCalledWith(3, "plant");
  });
});

describe("draft", () => {
  it("F2 rename adds a rename operation to the draft, not a publish", async () => {
    await renderLoaded();
    await renameAnimal("Creature");
    fireEvent.click(screen.getByTestId("tab-draft"));
    const ops = await screen.findAllByTestId("draft-op");
    expect(ops.map((o) => o.textContent)).toEqual(["Rename “Animal” (animal) to “Creature”"]);
    expect(m.publishEdits).not.toHaveBeenCalled();
    // The preview of the draft is computed on the base version.
    await waitFor(() => expect(m.previewEdits).toHaveBeenCalledWith(3, [{ op: "rename", key: "animal", label: "Creature" }]));
    expect(await screen.findByTestId("preview-summary")).toBeTruthy();
    // The tree shows the pending label.
    expect(row("animal").textContent).toContain("Creature");
  });

  it("Delete on a node with children asks, then adds a cascading delete", async () => {
    await renderLoaded();
    fireEvent.click(row("animal"));
    fireEvent.keyDown(screen.getByTestId("tree"), { key: "Delete" });
    const dialog = await screen.findByTestId("confirm-dialog");
    expect(dialog.textContent).toContain("2 children");
    fireEvent.click(within(dialog).getByTestId("delete-cascade"));
    fireEvent.click(screen.getByTestId("tab-draft"));
    const ops = await screen.findAllByTestId("draft-op");
    expect(ops[0].getAttribute("data-op")).toBe("delete");
    expect(ops[0].textContent).toContain("children left without a parent");
  });

  it("publishing sends the draft operations and base, then clears the draft and selects the new head", async () => {
    await renderLoaded();
    await renameAnimal("Creature");
    fireEvent.click(screen.getByTestId("tab-draft"));
    fireEvent.change(screen.getByTestId("publish-message"), { target: { value: "better name" } });
    m.publishEdits.mockImplementation(async () => {
      versions = [...versions, { ...versions[2], version: 4, message: "better name" }];
      return { version: 4, base_head: 3, stats: { nodes_added: 0, nodes_removed: 0, nodes_changed: 1, edges_added: 0, edges_removed: 0 }, impact: NO_IMPACT, agent_scopes: [], elapsed_ms: 12.3 };
    });
    fireEvent.click(screen.getByTestId("publish-button"));
    await waitFor(() => expect(screen.getByTestId("status-message").textContent).toBe("Published version 4 in 12 ms"));
    expect(m.publishEdits).toHaveBeenCalledWith(3, [{ op: "rename", key: "animal", label: "Creature" }], "better name");
    expect(screen.queryAllByTestId("draft-op")).toHaveLength(0);
    expect((screen.getByTestId("version-select") as HTMLSelectElement).value).toBe("4");
    await waitFor(() => expect(m.roots).toHaveBeenCalledWith(4));
    expect(screen.queryByTestId("readonly-badge")).toBeNull();
  });

  it("a cycle error shows the cycle path in the error banner and keeps the draft", async () => {
    await renderLoaded();
    await renameAnimal("Creature");
    fireEvent.click(screen.getByTestId("tab-draft"));
    m.publishEdits.mockRejectedValue({
      kind: "cycle",
      message: "adding pet as a parent of dog would create a cycle",
      path: ["dog", "pet", "dog"],
      keys: null,
    });
    fireEvent.keyDown(window, { key: "Enter", ctrlKey: true });
    const banner = await screen.findByTestId("error-banner");
    expect(banner.getAttribute("data-kind")).toBe("cycle");
    expect(within(banner).getByTestId("error-path").textContent).toBe("Cycle: dog → pet → dog");
    expect(banner.textContent).toContain("would create a cycle");
    expect(screen.getAllByTestId("draft-op")).toHaveLength(1);
    expect(screen.getByTestId("cycle-path").textContent).toContain("dog → pet → dog");
    fireEvent.click(screen.getByTestId("error-dismiss"));
    expect(screen.queryByTestId("error-banner")).toBeNull();
  });

  it("a conflict keeps the draft, lists the conflicting nodes and rebases onto the head", async () => {
    await renderLoaded();
    await renameAnimal("Creature");
    fireEvent.click(screen.getByTestId("tab-draft"));
    m.publishEdits.mockImplementation(async () => {
      versions = [...versions, { ...versions[2], version: 4 }];
      throw { kind: "conflict", message: "animal changed since version 3", path: null, keys: ["animal"] };
    });
    fireEvent.click(screen.getByTestId("publish-button"));
    const keys = await screen.findByTestId("conflict-keys");
    expect(keys.textContent).toContain("animal");
    expect(screen.getAllByTestId("draft-op")).toHaveLength(1);
    fireEvent.click(screen.getByTestId("rebase-button"));
    await waitFor(() => expect(m.previewEdits).toHaveBeenLastCalledWith(4, [{ op: "rename", key: "animal", label: "Creature" }]));
    expect(screen.queryByTestId("conflict-keys")).toBeNull();
  });

  it("dragging a row onto another row replaces the parent it was dragged from", async () => {
    await renderLoaded();
    const tree = screen.getByTestId("tree");
    fireEvent.click(row("animal"));
    fireEvent.keyDown(tree, { key: "ArrowRight" });
    await waitFor(() => expect(rows()).toContain("1:pet"));
    fireEvent.click(within(row("pet")).getByTestId("tree-toggle"));
    await waitFor(() => expect(rows()).toContain("2:fish"));
    const dataTransfer = { setData: vi.fn(), getData: vi.fn(), effectAllowed: "", dropEffect: "" };
    fireEvent.dragStart(row("fish"), { dataTransfer });
    fireEvent.dragOver(row("mammal"), { dataTransfer });
    fireEvent.drop(row("mammal"), { dataTransfer });
    fireEvent.click(screen.getByTestId("tab-draft"));
    const ops = await screen.findAllByTestId("draft-op");
    expect(ops.map((o) => o.getAttribute("data-op"))).toEqual(["add_parent", "remove_parent"]);
    expect(ops[0].textContent).toBe("Add “Mammal” (mammal) as a parent of “Fish” (fish)");
    expect(ops[1].textContent).toBe("Remove “Pet” (pet) as a parent of “Fish” (fish)");
    // One step: a single undo removes both.
    fireEvent.click(screen.getByTestId("undo-button"));
    await waitFor(() => expect(screen.queryAllByTestId("draft-op")).toHaveLength(0));
  });

  it("dragging a node onto its own descendant is refused with the cycle", async () => {
    await renderLoaded();
    fireEvent.click(row("animal"));
    fireEvent.keyDown(screen.getByTestId("tree"), { key: "ArrowRight" });
    await waitFor(() => expect(rows()).toContain("1:pet"));
    const dataTransfer = { setData: vi.fn(), getData: vi.fn(), effectAllowed: "", dropEffect: "" };
    fireEvent.dragStart(row("animal"), { dataTransfer });
    fireEvent.dragOver(row("pet"), { dataTransfer });
    fireEvent.drop(row("pet"), { dataTransfer });
    const banner = await screen.findByTestId("error-banner");
    expect(within(banner).getByTestId("error-path").textContent).toBe("Cycle: pet → animal → pet");
    expect(screen.getByTestId("tab-draft").textContent).toBe("Draft");
  });

  it("Ctrl+Z outside a text field undoes the last operation", async () => {
    await renderLoaded();
    await renameAnimal("Creature");
    fireEvent.click(screen.getByTestId("tab-draft"));
    expect(await screen.findAllByTestId("draft-op")).toHaveLength(1);
    screen.getByTestId("tree").focus();
    fireEvent.keyDown(window, { key: "z", ctrlKey: true });
    await waitFor(() => expect(screen.queryAllByTestId("draft-op")).toHaveLength(0));
  });
});

describe("versions", () => {
  it("selecting an old version makes everything read-only", async () => {
    await renderLoaded();
    fireEvent.change(screen.getByTestId("version-select"), { target: { value: "2" } });
    expect((await screen.findByTestId("readonly-badge")).textContent).toBe("read-only: version 2");
    await waitFor(() => expect(m.roots).toHaveBeenCalledWith(2));
    // F2 does not start a rename; the publish button and the editing controls are disabled.
    fireEvent.click(row("animal"));
    fireEvent.keyDown(screen.getByTestId("tree"), { key: "F2" });
    expect(screen.queryByTestId("rename-input")).toBeNull();
    expect((await screen.findByTestId("error-banner")).textContent).toContain("read-only: version 2 is not the head");
    expect(row("animal").getAttribute("draggable")).toBe("false");
    await screen.findByTestId("details-label");
    expect((screen.getByTestId("edit-label") as HTMLInputElement).closest("fieldset")!.disabled).toBe(true);
    fireEvent.click(screen.getByTestId("tab-draft"));
    expect((screen.getByTestId("publish-button") as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId("status-selected").textContent).toContain("read-only");
    // Back to the head: editable again.
    fireEvent.click(screen.getByTestId("go-head"));
    expect(screen.queryByTestId("readonly-badge")).toBeNull();
  });

  it("the version list is newest first with number, kind, author and message", async () => {
    await renderLoaded();
    const options = [...(screen.getByTestId("version-select") as HTMLSelectElement).options].map((o) => o.textContent);
    expect(options[0]).toMatch(/^v3 · edit · alice · message 3 · .* \(head\)$/);
    expect(options.map((o) => o!.slice(0, 2))).toEqual(["v3", "v2", "v1"]);
  });

  it("the rollback dialog shows the preview before confirming, then the timing", async () => {
    await renderLoaded();
    const previewDiff: Diff = { ...SAMPLE_DIFF, from: 3, to: 1 };
    m.previewRollback.mockResolvedValue({ version: null, restored: 1, head_before: 3, dry_run: true, diff: previewDiff, elapsed_ms: 4 });
    m.rollback.mockImplementation(async () => {
      versions = [...versions, { ...versions[2], version: 4, kind: "rollback", restored_from: 1 }];
      return { version: 4, restored: 1, head_before: 3, dry_run: false, diff: previewDiff, elapsed_ms: 280 };
    });
    fireEvent.change(screen.getByTestId("version-select"), { target: { value: "1" } });
    fireEvent.click(await screen.findByTestId("rollback-button"));
    const dialog = await screen.findByTestId("rollback-dialog");
    const summary = await within(dialog).findByTestId("rollback-summary");
    expect(m.previewRollback).toHaveBeenCalledWith(1);
    expect(summary.textContent).toContain("1 added");
    expect(summary.textContent).toContain("1 moved");
    expect(within(dialog).getAllByTestId("diff-entry").length).toBe(5);
    expect(m.rollback).not.toHaveBeenCalled();

    fireEvent.change(within(dialog).getByTestId("rollback-message"), { target: { value: "undo the bad edit" } });
    fireEvent.click(within(dialog).getByTestId("rollback-confirm"));
    expect((await within(dialog).findByTestId("rollback-time")).textContent).toBe("Restored version 1 as version 4 in 280 ms");
    expect(m.rollback).toHaveBeenCalledWith(1, "undo the bad edit");
    await waitFor(() => expect((screen.getByTestId("version-select") as HTMLSelectElement).value).toBe("4"));
    expect(screen.getByTestId("status-message").textContent).toBe("Restored version 1 as version 4 in 280 ms");
  });

  it("the diff panel lists changes, renders word diffs and highlights the tree", async () => {
    m.diffVersions.mockResolvedValue(SAMPLE_DIFF);
    await renderLoaded();
    fireEvent.click(screen.getByTestId("tab-diff"));
    await waitFor(() => expect(m.diffVersions).toHaveBeenCalledWith(2, 3));
    const summary = await screen.findByTestId("diff-summary");
    expect(summary.textContent).toContain("1 renamed");
    const wd = screen.getByTestId("word-diff");
    expect(wd.querySelector("del")!.textContent).toBe("warm blooded");
    expect(wd.querySelector("ins")!.textContent).toBe("warm-blooded animal");
    expect(screen.getByTestId("alt-change").textContent).toBe("alt labels: [mammalian] → [mammalian, Mammalia]");
    // Click the edited entry: the tree reveals "mammal" (expanding "animal"), highlighted as edited.
    const entry = screen.getAllByTestId("diff-entry").find((e) => e.getAttribute("data-key") === "mammal")!;
    fireEvent.click(within(entry).getByRole("button"));
    await waitFor(() => expect(rows()).toContain("1:mammal"));
    expect(row("mammal").getAttribute("aria-selected")).toBe("true");
    expect(row("mammal").className).toContain("chg-edited");
    expect(row("pet").className).not.toContain("chg-");
  });
});

describe("connection and busy state", () => {
  it("imports a file from the connection tab and reloads the versions", async () => {
    m.importTaxonomy.mockResolvedValue({
      version: 4,
      base_head: 3,
      stats: { nodes_added: 2, nodes_removed: 1, nodes_changed: 0, edges_added: 2, edges_removed: 1 },
      impact: NO_IMPACT,
      agent_scopes: [],
      elapsed_ms: 12.3,
      skos: null,
    });
    await renderLoaded();
    fireEvent.click(screen.getByTestId("tab-connection"));
    const button = screen.getByTestId("import-button") as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    fireEvent.change(screen.getByTestId("import-path"), { target: { value: " /data/wn.jsonl " } });
    fireEvent.change(screen.getByTestId("import-message"), { target: { value: "WordNet" } });
    fireEvent.click(button);
    await waitFor(() => expect(m.importTaxonomy).toHaveBeenCalledWith("/data/wn.jsonl", "WordNet", {}));
    await waitFor(() => expect(screen.getByTestId("import-result").textContent).toContain("Published version 4"));
    await waitFor(() => expect(m.listVersions).toHaveBeenCalledTimes(2));
  });

  it("shows a refused import in the error banner", async () => {
    m.importTaxonomy.mockRejectedValue({ kind: "invalid_input", message: "wn.jsonl:3: malformed node", path: null, keys: null });
    await renderLoaded();
    fireEvent.click(screen.getByTestId("tab-connection"));
    fireEvent.change(screen.getByTestId("import-path"), { target: { value: "/data/wn.jsonl" } });
    fireEvent.click(screen.getByTestId("import-button"));
    await waitFor(() => expect(screen.getByTestId("error-banner").textContent).toContain("wn.jsonl:3: malformed node"));
    expect(screen.getByTestId("error-banner").getAttribute("data-kind")).toBe("invalid_input");
    expect(screen.queryByTestId("import-result")).toBeNull();
  });

  it("shows that no keyring is available and connects to a URL", async () => {
    m.connect.mockResolvedValue({ ...READY, kind: "url", description: "postgres://me@db/dtrag" });
    await renderLoaded();
    fireEvent.click(screen.getByTestId("tab-connection"));
    const remember = screen.getByTestId("remember-password") as HTMLInputElement;
    expect(remember.disabled).toBe(true);
    expect(screen.getByTestId("keyring-message").textContent).toBe("no keyring available: the password will be asked each time");
    fireEvent.change(screen.getByTestId("connect-url"), { target: { value: "postgres://me@db/dtrag" } });
    fireEvent.change(screen.getByTestId("connect-password"), { target: { value: "secret" } });
    fireEvent.click(screen.getByTestId("connect-button"));
    await waitFor(() =>
      expect(m.connect).toHaveBeenCalledWith({ url: "postgres://me@db/dtrag", password: "secret", remember: false }),
    );
    await waitFor(() => expect(screen.getByTestId("connection-kind").textContent).toBe("PostgreSQL URL"));
    await waitFor(() => expect(m.listVersions).toHaveBeenCalledTimes(2));
  });

  it("asks for the password on start when the saved connection needs it", async () => {
    m.connectionStatus.mockResolvedValue({ ...READY, state: "needs_password", kind: "url", description: "postgres://me@db/dtrag" });
    m.connect.mockResolvedValue({ ...READY, kind: "url", description: "postgres://me@db/dtrag" });
    render(<App />);
    const prompt = await screen.findByTestId("password-prompt");
    fireEvent.change(within(prompt).getByTestId("prompt-password"), { target: { value: "pw" } });
    fireEvent.click(within(prompt).getByTestId("prompt-connect"));
    await waitFor(() => expect(m.connect).toHaveBeenCalledWith({ url: "postgres://me@db/dtrag", password: "pw", remember: false }));
    await waitFor(() => expect(screen.queryByTestId("password-prompt")).toBeNull());
    await waitFor(() => expect(rows()).toEqual(["0:animal", "0:plant"]));
  });

  it("shows a progress indicator with a label for a slow call, and an error for a failed one", async () => {
    await renderLoaded();
    let finish: (v: typeof ROOTS) => void = () => undefined;
    m.children.mockImplementation(() => new Promise((resolve) => (finish = resolve)));
    fireEvent.click(row("animal"));
    fireEvent.keyDown(screen.getByTestId("tree"), { key: "ArrowRight" });
    const progress = await screen.findByTestId("progress", {}, { timeout: 2000 });
    expect(progress.textContent).toContain("Loading children");
    await act(async () => finish(CHILDREN.animal));
    await waitFor(() => expect(screen.queryByTestId("progress")).toBeNull());

    m.children.mockRejectedValue({ kind: "unavailable", message: "connection reset", path: null, keys: null });
    fireEvent.click(within(row("mammal")).getByTestId("tree-toggle"));
    expect((await screen.findByTestId("error-banner")).textContent).toContain("connection reset");
    expect(screen.getByTestId("error-banner").getAttribute("data-kind")).toBe("unavailable");
  });
});

describe("search", () => {
  it("limits the search to the category selected in the tree, at the viewed version, and shows errors in the banner", async () => {
    m.search.mockResolvedValue({
      mode: "bm25",
      hits: [],
      model: null,
      plan: null,
      scope_chunks: 0,
      candidates: 10,
      notice: null,
      fusion: null,
      timings: { scope_ms: 1, embed_ms: 0, bm25_ms: 1, vector_ms: 0, total_ms: 2 },
    });
    await renderLoaded();
    fireEvent.change(screen.getByTestId("version-select"), { target: { value: "2" } });
    await waitFor(() => expect(m.roots).toHaveBeenCalledWith(2));
    fireEvent.click(screen.getByTestId("tab-search"));
    await waitFor(() => expect(m.embeddingModels).toHaveBeenCalled());
    expect((screen.getByTestId("scope-add-selected") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(row("animal"));
    fireEvent.click(screen.getByTestId("scope-add-selected"));
    expect(screen.getByTestId("scope-chip").textContent).toContain("Animal");
    const q = screen.getByTestId("search-query");
    fireEvent.change(q, { target: { value: "cats" } });
    fireEvent.keyDown(q, { key: "Enter" });
    await waitFor(() =>
      expect(m.search).toHaveBeenCalledWith({ query: "cats", mode: "bm25", k: 10, weights: { bm25: 1, vector: 1 }, under: ["animal"], version: 2 }),
    );
    expect(await screen.findByTestId("search-empty")).toBeTruthy();

    m.search.mockRejectedValue({ kind: "not_found", message: 'node "animal" does not exist at version 2', path: null, keys: null });
    fireEvent.keyDown(q, { key: "Enter" });
    const banner = await screen.findByTestId("error-banner");
    expect(banner.getAttribute("data-kind")).toBe("not_found");
    expect(banner.textContent).toContain('node "animal" does not exist at version 2');
  });
});
