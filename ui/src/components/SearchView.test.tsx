import { beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import type { Hit, Model, SearchResult } from "../bindings";
import * as api from "../api";
import { ServicesContext, type Services } from "../services";
import { explainHit, SearchView } from "./SearchView";

vi.mock("../api", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../api")>();
  return { ...actual, search: vi.fn(), embeddingModels: vi.fn(), findNodes: vi.fn() };
});

const m = vi.mocked(api);

const MODEL: Model = {
  id: 1,
  name: "all-MiniLM-L6-v2",
  provider: "local",
  dims: 384,
  config: { model: "all-MiniLM-L6-v2" },
  hnsw: { m: 16, ef_construction: 64, ef_search: 100 },
  is_default: true,
  embedded: 12,
  chunks: 12,
  indexed: true,
};

function hit(rank: number, over: Partial<Hit> = {}): Hit {
  return {
    rank,
    chunk_id: 100 + rank,
    document: `doc-${rank}`,
    title: `Document ${rank}`,
    score: 1 / rank,
    text: "a text",
    fragments: [{ text: "a text", hit: false }],
    categories: [],
    bm25: null,
    vector: null,
    ...over,
  };
}

function result(hits: Hit[], over: Partial<SearchResult> = {}): SearchResult {
  return {
    mode: "hybrid",
    hits,
    model: "all-MiniLM-L6-v2",
    plan: "hnsw",
    scope_chunks: null,
    candidates: 50,
    notice: null,
    fusion: null,
    timings: { scope_ms: 0, embed_ms: 3.14, bm25_ms: 4.2, vector_ms: 2, total_ms: 12.3 },
    ...over,
  };
}

let reported: unknown[];

function renderView(props: Partial<Parameters<typeof SearchView>[0]> = {}) {
  const services: Services = { run: (_label, fn) => fn(), report: (e) => reported.push(e) };
  const onSelectKey = vi.fn();
  const utils = render(
    <ServicesContext.Provider value={services}>
      <SearchView active version={3} selectedKey={null} labelOf={(k) => k.toUpperCase()} onSelectKey={onSelectKey} {...props} />
    </ServicesContext.Provider>,
  );
  return { ...utils, onSelectKey };
}

const query = () => screen.getByTestId("search-query") as HTMLInputElement;
const radio = (mode: string) => screen.getByTestId(`search-mode-${mode}`) as HTMLInputElement;

async function searchFor(text: string) {
  fireEvent.change(query(), { target: { value: text } });
  fireEvent.keyDown(query(), { key: "Enter" });
}

beforeEach(() => {
  vi.resetAllMocks();
  reported = [];
  m.embeddingModels.mockResolvedValue([MODEL]);
  m.search.mockResolvedValue(result([]));
  m.findNodes.mockResolvedValue([]);
});

describe("search view", () => {
  it("renders the hit fragments with <mark> and never as HTML", async () => {
    m.search.mockResolvedValue(
      result([
        hit(1, {
          text: "<img src=x onerror=alert(1)> likes dogs and <b>cats</b>",
          fragments: [
            { text: "<img src=x onerror=alert(1)> likes ", hit: false },
            { text: "dogs", hit: true },
            { text: " and <b>cats</b>", hit: false },
          ],
          categories: ["animal.dog", "pet"],
        }),
      ]),
    );
    const { onSelectKey } = renderView();
    await searchFor("dogs");
    const text = await screen.findByTestId("search-hit-text");
    expect([...text.querySelectorAll("mark")].map((e) => e.textContent)).toEqual(["dogs"]);
    expect(text.querySelector("img")).toBeNull();
    expect(text.querySelector("b")).toBeNull();
    expect(text.textContent).toBe("<img src=x onerror=alert(1)> likes dogs and <b>cats</b>");
    const h = screen.getByTestId("search-hit");
    expect(within(h).getByTestId("search-hit-title").textContent).toBe("Document 1");
    expect(within(h).getByTestId("search-hit-doc").textContent).toBe("doc-1");
    expect(within(h).getByTestId("search-hit-score").textContent).toBe("1");
    const cats = within(h).getAllByTestId("search-hit-category");
    expect(cats.map((c) => c.textContent)).toEqual(["animal.dog", "pet"]);
    fireEvent.click(cats[1]);
    expect(onSelectKey).toHaveBeenCalledWith("pet");
  });

  it("explains each hit by its BM25 and vector places, or their absence", async () => {
    m.search.mockResolvedValue(
      result([
        hit(1, { bm25: { rank: 3, score: 4.2149, normalized: 1 / 63, weight: 0.25 }, vector: { rank: 1, distance: 0.31234, normalized: 1 / 61, weight: 1 } }),
        hit(2, { bm25: { rank: 1, score: 7.5, normalized: 1 / 61, weight: 0.25 } }),
        hit(3, { vector: { rank: 2, distance: 0.4, normalized: 1 / 62, weight: 1 } }),
      ], {
        fusion: { fusion: { method: "rrf", evidence: true }, lexical_evidence: 0.5, lexical_distinctness: 0.25, bm25_weight: 1, vector_weight: 1, tuned: false },
      }),
    );
    renderView();
    await searchFor("dogs");
    await waitFor(() => expect(screen.getAllByTestId("search-hit-why")).toHaveLength(3));
    expect(screen.getAllByTestId("search-hit-why").map((e) => e.textContent)).toEqual([
      "BM25 #3 (score 4.21, normalised 0.0159 × weight 0.25) · vector #1 (distance 0.312, normalised 0.0164 × weight 1)",
      "BM25 #1 (score 7.50, normalised 0.0164 × weight 0.25) · vector — not in top 50",
      "BM25 — not in top 50 · vector #2 (distance 0.400, normalised 0.0161 × weight 1)",
    ]);
    expect(screen.getByTestId("search-fusion").textContent).toBe("RRF + lexical evidence 0.50, distinctness 0.25 · weights 1 : 1");
    // Latency, model and plan.
    expect(screen.getByTestId("search-timing").textContent).toBe(
      "total 12 ms (scope 0 ms · embed 3.1 ms · BM25 4.2 ms · vector 2 ms)",
    );
    expect(screen.getByTestId("search-model").textContent).toBe("all-MiniLM-L6-v2 · HNSW");
    expect(screen.getByTestId("search-count").textContent).toBe("3 results");
  });

  it("explains a single-retriever mode by that retriever only", () => {
    const h = hit(1, { bm25: { rank: 1, score: 2, normalized: 1, weight: 1 } });
    expect(explainHit(h, "bm25", 10)).toBe("BM25 #1 (score 2.00)");
    expect(explainHit(hit(1, { vector: { rank: 4, distance: 0.5, normalized: 1, weight: 1 } }), "vector", 10)).toBe(
      "vector #4 (distance 0.500)",
    );
    expect(explainHit(hit(1), "hybrid", 80)).toBe("BM25 — not in top 80 · vector — not in top 80");
  });

  it("without embedding models, searches with BM25 and disables vector and hybrid with a hint", async () => {
    m.embeddingModels.mockResolvedValue([]);
    m.search.mockResolvedValue(
      result([hit(1, { bm25: { rank: 1, score: 3, normalized: 1, weight: 1 } })], { mode: "bm25", model: null, plan: null }),
    );
    renderView();
    await waitFor(() => expect(radio("vector").disabled).toBe(true));
    expect(radio("hybrid").disabled).toBe(true);
    expect(radio("bm25").disabled).toBe(false);
    expect(radio("bm25").checked).toBe(true);
    expect(radio("hybrid").closest("label")!.title).toContain("run `dtrag embed`");
    expect(screen.getByTestId("search-no-vectors").textContent).toContain("dtrag embed");
    expect((screen.getByTestId("search-weight-bm25") as HTMLInputElement).disabled).toBe(true);
    await searchFor("dogs");
    await waitFor(() => expect(m.search).toHaveBeenCalledTimes(1));
    expect(m.search.mock.calls[0][0].mode).toBe("bm25");
    expect(await screen.findByTestId("search-hit-why")).toHaveProperty("textContent", "BM25 #1 (score 3.00)");
    expect(screen.queryByTestId("search-model")).toBeNull();
  });

  it("also disables vector search while the default model has no vectors", async () => {
    m.embeddingModels.mockResolvedValue([{ ...MODEL, embedded: 0, chunks: 40, indexed: false }]);
    renderView();
    await waitFor(() => expect(radio("hybrid").disabled).toBe(true));
    expect(screen.getByTestId("search-no-vectors").textContent).toContain("all-MiniLM-L6-v2 has no vectors yet");
  });

  it("sends the chosen mode, weights, k, scope and the viewed version", async () => {
    m.findNodes.mockResolvedValue([{ key: "pet", label: "Pet", matched: "Pet", parent_labels: ["Animal"], score: 1 }]);
    renderView({ selectedKey: "animal", version: 2 });
    await waitFor(() => expect(m.embeddingModels).toHaveBeenCalled());
    expect(radio("hybrid").checked).toBe(true);
    fireEvent.change(screen.getByTestId("search-weight-bm25"), { target: { value: "0.5" } });
    fireEvent.change(screen.getByTestId("search-weight-vector"), { target: { value: "7" } });
    fireEvent.change(screen.getByTestId("search-k"), { target: { value: "5" } });
    // Scope: the selected tree node, then one found by label.
    fireEvent.click(screen.getByTestId("scope-add-selected"));
    fireEvent.change(screen.getByTestId("scope-find"), { target: { value: "pe" } });
    fireEvent.click(await screen.findByTestId("find-hit"));
    expect(m.findNodes).toHaveBeenCalledWith(2, "pe", 20);
    const chips = screen.getAllByTestId("scope-chip");
    expect(chips.map((c) => c.getAttribute("data-key"))).toEqual(["animal", "pet"]);
    expect(chips[0].textContent).toContain("ANIMAL");
    expect(screen.getByTestId("search-scope").textContent).toContain("Scope (at v2):");

    await searchFor("  dogs ");
    await waitFor(() => expect(m.search).toHaveBeenCalledTimes(1));
    expect(m.search).toHaveBeenCalledWith({
      query: "dogs",
      mode: "hybrid",
      k: 5,
      weights: { bm25: 0.5, vector: 3 },
      under: ["animal", "pet"],
      version: 2,
    });

    // × removes a chip; another mode is sent as chosen.
    fireEvent.click(within(chips[0]).getByTestId("scope-remove"));
    fireEvent.click(radio("vector"));
    fireEvent.click(screen.getByTestId("search-button"));
    await waitFor(() => expect(m.search).toHaveBeenCalledTimes(2));
    expect(m.search.mock.calls[1][0]).toMatchObject({ mode: "vector", under: ["pet"] });
  });

  it("Enter runs the search, Escape clears the box", async () => {
    m.search.mockResolvedValue(result([hit(1), hit(2)], { scope_chunks: 7, plan: "exact_in_scope" }));
    renderView();
    fireEvent.change(query(), { target: { value: "graph theory" } });
    fireEvent.keyDown(query(), { key: "Enter" });
    await waitFor(() => expect(screen.getAllByTestId("search-hit")).toHaveLength(2));
    expect(m.search.mock.calls[0][0].query).toBe("graph theory");
    expect(screen.getByTestId("search-model").textContent).toBe("all-MiniLM-L6-v2 · exact in scope");
    expect(screen.getByTestId("search-scope-size").textContent).toBe("7 chunks in scope");
    fireEvent.keyDown(query(), { key: "Escape" });
    expect(query().value).toBe("");
    // An empty query does not search.
    fireEvent.keyDown(query(), { key: "Enter" });
    expect(m.search).toHaveBeenCalledTimes(1);
  });

  it("shows the library's notice when the search ran as BM25, and none otherwise", async () => {
    m.search.mockResolvedValueOnce(result([hit(1)], { mode: "bm25", model: null, plan: null, notice: "BM25 only: no embedding model yet" }));
    renderView();
    fireEvent.change(query(), { target: { value: "graphs" } });
    fireEvent.keyDown(query(), { key: "Enter" });
    await waitFor(() => expect(screen.getByTestId("search-notice").textContent).toBe("BM25 only: no embedding model yet"));
    m.search.mockResolvedValueOnce(result([hit(1)]));
    fireEvent.keyDown(query(), { key: "Enter" });
    await waitFor(() => expect(m.search).toHaveBeenCalledTimes(2));
    await waitFor(() => expect(screen.queryByTestId("search-notice")).toBeNull());
  });

  it("/ and Ctrl+K focus the query box; ↑/↓ move through the results", async () => {
    m.search.mockResolvedValue(result([hit(1), hit(2), hit(3)]));
    renderView();
    fireEvent.keyDown(window, { key: "/" });
    expect(document.activeElement).toBe(query());
    query().blur();
    fireEvent.keyDown(window, { key: "k", ctrlKey: true });
    expect(document.activeElement).toBe(query());
    await searchFor("x");
    await waitFor(() => expect(screen.getAllByTestId("search-hit")).toHaveLength(3));
    const selected = () => screen.getAllByTestId("search-hit").map((h) => h.getAttribute("aria-selected"));
    expect(selected()).toEqual(["true", "false", "false"]);
    fireEvent.keyDown(query(), { key: "ArrowDown" });
    fireEvent.keyDown(query(), { key: "ArrowDown" });
    fireEvent.keyDown(query(), { key: "ArrowDown" });
    expect(selected()).toEqual(["false", "false", "true"]);
    fireEvent.keyDown(screen.getByTestId("search-results"), { key: "ArrowUp" });
    expect(selected()).toEqual(["false", "true", "false"]);
  });

  it("shortcuts do nothing while the view is hidden", () => {
    renderView({ active: false });
    fireEvent.keyDown(window, { key: "/" });
    expect(document.activeElement).not.toBe(query());
    expect(m.embeddingModels).not.toHaveBeenCalled();
  });

  it("reports a failed search and clears the results", async () => {
    m.search.mockResolvedValueOnce(result([hit(1)]));
    renderView();
    await searchFor("dogs");
    await screen.findByTestId("search-hit");
    const err = { kind: "embedding", message: "the model files are not in /m", path: null, keys: null };
    m.search.mockRejectedValueOnce(err);
    fireEvent.click(screen.getByTestId("search-button"));
    await waitFor(() => expect(reported).toEqual([err]));
    expect(screen.queryByTestId("search-hit")).toBeNull();
    expect(screen.queryByTestId("search-busy")).toBeNull();
  });
});
