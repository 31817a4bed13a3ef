// The agents view's hooks on their own: the list and its changes, the edit form's change set, the
// new-agent form's checks, and the playground's latest-query rule.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { act, renderHook, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import type { SearchResult } from "../bindings";
import * as api from "../api";
import { describePin, describeScope, describeSettings, upsert } from "../agents/text";
import { ServicesContext, type Services } from "../services";
import { AGENTS, agent, hit, refusal, result, SETTINGS } from "../test/agentFixtures";
import { changeOf } from "./useAgentEdit";
import { useAgentPlayground } from "./useAgentPlayground";
import { useAgents } from "./useAgents";
import { addPicks, clampK, useNewAgent } from "./useNewAgent";

vi.mock("../api", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../api")>();
  const fns = ["agentsList", "agentsCreate", "agentsRemove", "agentsSearch"];
  return { ...actual, ...Object.fromEntries(fns.map((f) => [f, vi.fn()])) };
});

const m = vi.mocked(api);
let reported: unknown[];

function wrapper({ children }: { children: ReactNode }) {
  const services: Services = { run: (_label, fn) => fn(), report: (e) => reported.push(e) };
  return <ServicesContext.Provider value={services}>{children}</ServicesContext.Provider>;
}

beforeEach(() => {
  vi.resetAllMocks();
  reported = [];
  m.agentsList.mockResolvedValue(AGENTS);
});

describe("useAgents", () => {
  it("reads the list when shown and again when refreshKey changes, not while hidden", async () => {
    const { result: r, rerender } = renderHook((p: { active: boolean; refreshKey: number }) => useAgents({ ...p, ready: true }), {
      wrapper,
      initialProps: { active: false, refreshKey: 0 },
    });
    expect(m.agentsList).not.toHaveBeenCalled();
    rerender({ active: true, refreshKey: 0 });
    await waitFor(() => expect(r.current.agents?.map((a) => a.name)).toEqual(["pets", "zoo"]));
    rerender({ active: true, refreshKey: 1 });
    await waitFor(() => expect(m.agentsList).toHaveBeenCalledTimes(2));
  });

  it("create adds and selects the agent; remove drops it; a failed read is reported", async () => {
    m.agentsCreate.mockResolvedValue(agent("bee"));
    m.agentsRemove.mockResolvedValue(AGENTS[1]);
    const { result: r } = renderHook(() => useAgents({ active: true, ready: true, refreshKey: 0 }), { wrapper });
    await waitFor(() => expect(r.current.agents).toHaveLength(2));
    await act(() => r.current.create({ name: "bee", description: "", categories: ["animal"], pinned_version: null, settings: SETTINGS }));
    expect(r.current.agents?.map((a) => a.name)).toEqual(["bee", "pets", "zoo"]);
    expect(r.current.current?.name).toBe("bee");
    await act(() => r.current.remove("bee"));
    expect(r.current.agents?.map((a) => a.name)).toEqual(["pets", "zoo"]);
    expect(r.current.current).toBeNull();

    m.agentsList.mockRejectedValue(refusal("database unavailable", "unavailable"));
    act(() => r.current.load());
    await waitFor(() => expect(reported).toHaveLength(1));
  });

  it("a refused create rejects with the library's error and changes nothing", async () => {
    m.agentsCreate.mockRejectedValue(refusal("an agent needs at least one category"));
    const { result: r } = renderHook(() => useAgents({ active: true, ready: true, refreshKey: 0 }), { wrapper });
    await waitFor(() => expect(r.current.agents).toHaveLength(2));
    await expect(r.current.create({ name: "x", description: "", categories: [], pinned_version: null, settings: SETTINGS })).rejects.toMatchObject({
      message: "an agent needs at least one category",
    });
    expect(r.current.agents).toHaveLength(2);
  });
});

describe("useNewAgent", () => {
  it("keeps the refusal, trims the name, and closes on success", async () => {
    const onCreate = vi.fn().mockRejectedValueOnce(refusal('agent name "a b": …')).mockResolvedValueOnce(agent("ab"));
    const { result: r } = renderHook(() => useNewAgent({ onCreate }));
    act(() => r.current.openWith([{ key: "animal", label: "Animal" }]));
    act(() => r.current.setName(" a b "));
    await act(() => r.current.submit());
    expect(onCreate).toHaveBeenLastCalledWith(expect.objectContaining({ name: "a b", categories: ["animal"] }));
    expect(r.current.error?.message).toBe('agent name "a b": …');
    expect(r.current.open).toBe(true);
    act(() => r.current.setName("ab"));
    await act(() => r.current.submit());
    expect(r.current.open).toBe(false);
    expect(r.current.error).toBeNull();
  });

  it("clamps k and adds each category once", () => {
    expect(clampK(0)).toBe(1);
    expect(clampK(2.6)).toBe(3);
    expect(clampK(1e9)).toBeLessThanOrEqual(1000);
    expect(clampK(Number.NaN)).toBe(1);
    const a = { key: "a", label: "A" };
    const b = { key: "b", label: "B" };
    expect(addPicks([a], [b, a])).toEqual([a, b]);
  });
});

describe("changeOf (the edit form's AgentChange)", () => {
  const pets = AGENTS[0];
  it("is null when nothing changed (categories in another order included)", () => {
    expect(changeOf(pets, { description: `${pets.description} `, categories: ["pet", "fish"], pin: 2 })).toBeNull();
  });
  it("names only what changed; the pin is left out (undefined) unless it changed, null = follow the head", () => {
    expect(changeOf(pets, { description: pets.description, categories: ["fish"], pin: 2 })).toEqual({
      description: null,
      categories: ["fish"],
      settings: null,
      pinned_version: undefined,
    });
    expect(changeOf(pets, { description: pets.description, categories: pets.categories, pin: null })?.pinned_version).toBeNull();
    expect(changeOf(pets, { description: "new", categories: pets.categories, pin: 3 })).toEqual({
      description: "new",
      categories: null,
      settings: null,
      pinned_version: 3,
    });
  });
});

describe("useAgentPlayground", () => {
  it("searches as the agent with its own settings, shows only the latest query's result, and forgets it for another agent", async () => {
    let resolveFirst: (r: SearchResult) => void = () => undefined;
    m.agentsSearch
      .mockImplementationOnce(() => new Promise((res) => (resolveFirst = res)))
      .mockResolvedValueOnce(result([hit(1, { document: "second" })]));
    const { result: r, rerender } = renderHook((p: { agent: string | null }) => useAgentPlayground(p), { wrapper, initialProps: { agent: "pets" } });
    act(() => r.current.setQuery("first"));
    let first: Promise<void> = Promise.resolve();
    act(() => {
      first = r.current.search();
    });
    act(() => r.current.setQuery("second"));
    await act(() => r.current.search());
    expect(m.agentsSearch).toHaveBeenLastCalledWith({ agent: "pets", query: "second", mode: null, k: null, under: [], exact: false });
    await act(async () => {
      resolveFirst(result([hit(1, { document: "first" })]));
      await first;
    });
    expect(r.current.result?.hits.map((h) => h.document)).toEqual(["second"]);
    rerender({ agent: "zoo" });
    expect(r.current.result).toBeNull();
    expect(r.current.query).toBe("second");
  });
});

describe("wording", () => {
  it("describes pins, scopes and settings", () => {
    expect(describePin(null)).toBe("follows the head");
    expect(describePin(4)).toBe("pinned to v4");
    expect(describeScope({ nodes: 1, documents: 2, chunks: 1 })).toBe("2 documents · 1 chunk · 1 category node");
    expect(describeSettings({ ...SETTINGS, mode: "bm25", k: 3 })).toBe("BM25 · k 3");
    expect(describeSettings({ ...SETTINGS, mode: "vector", model: "m" })).toBe("Vector · k 10 · m");
    expect(upsert(AGENTS, agent("aa")).map((a) => a.name)).toEqual(["aa", "pets", "zoo"]);
  });
});
