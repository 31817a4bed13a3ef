import { beforeEach, describe, expect, it, vi } from "vitest";

const invoke = vi.fn();
// Hoisted with the mock, which is hoisted above the imports.
const { FakeChannel } = vi.hoisted(() => ({
  FakeChannel: class {
    onmessage: (m: unknown) => void = () => undefined;
  },
}));
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...args: unknown[]) => invoke(...args), Channel: FakeChannel }));

import * as api from "./api";

describe("api", () => {
  beforeEach(() => {
    invoke.mockReset();
  });

  it("passes each command one typed request", async () => {
    invoke.mockResolvedValue({ version: 4 });
    await api.publishEdits(3, [{ op: "rename", key: "a", label: "A" }], "msg");
    expect(invoke).toHaveBeenCalledWith("publish_edits", { request: { base: 3, ops: [{ op: "rename", key: "a", label: "A" }], message: "msg" } });
    await api.children(2, "tech");
    expect(invoke).toHaveBeenLastCalledWith("children", { request: { version: 2, key: "tech" } });
    await api.auditLog(null, "taxonomy.", 10);
    expect(invoke).toHaveBeenLastCalledWith("audit_log", { request: { actor: null, action: "taxonomy.", limit: 10 } });
    await api.connect({ url: null, password: null, remember: false });
    expect(invoke).toHaveBeenLastCalledWith("connect", { request: { url: null, password: null, remember: false } });
    const request = { query: "q", mode: "bm25" as const, k: 10, under: ["a"], version: 2, weights: { bm25: 1, vector: 1 } };
    await api.search(request);
    expect(invoke).toHaveBeenLastCalledWith("search", { request });
    await api.embeddingModels();
    expect(invoke).toHaveBeenLastCalledWith("embedding_models", undefined);
  });

  it("sends the agent requests; an unchanged pin is left out, not sent as null (follow the head)", async () => {
    invoke.mockResolvedValue({});
    await api.agentsList();
    expect(invoke).toHaveBeenLastCalledWith("agents_list", undefined);
    await api.agentsShow("bot");
    expect(invoke).toHaveBeenLastCalledWith("agents_show", { request: { name: "bot" } });
    const settings = { mode: "bm25" as const, k: 5, weights: { bm25: 1, vector: 1 }, model: null };
    await api.agentsCreate({ name: "bot", description: "", categories: ["tech"], pinned_version: null, settings });
    expect(invoke).toHaveBeenLastCalledWith("agents_create", {
      request: { name: "bot", description: "", categories: ["tech"], pinned_version: null, settings },
    });
    await api.agentsUpdate("bot", { description: "d", categories: null, settings: null, pinned_version: undefined });
    let sent = invoke.mock.lastCall?.[1] as { request: { change: Record<string, unknown> } };
    expect(sent).toEqual({ request: { name: "bot", change: { description: "d", categories: null, settings: null } } });
    expect("pinned_version" in sent.request.change).toBe(false);
    await api.agentsUpdate("bot", { description: null, categories: null, settings: null, pinned_version: null });
    sent = invoke.mock.lastCall?.[1] as { request: { change: Record<string, unknown> } };
    expect(sent.request.change).toEqual({ description: null, categories: null, settings: null, pinned_version: null });
    await api.agentsRemove("bot");
    expect(invoke).toHaveBeenLastCalledWith("agents_remove", { request: { name: "bot" } });
    await api.agentsSearch({ agent: "bot", query: "q", mode: null, k: null, under: [], exact: false });
    expect(invoke).toHaveBeenLastCalledWith("agents_search", { request: { agent: "bot", query: "q", mode: null, k: null, under: [], exact: false } });
    await api.agentsCredentials("bot", true);
    expect(invoke).toHaveBeenLastCalledWith("agents_credentials", { request: { name: "bot", revoke: true } });
  });

  it("sends the review requests and streams the classifier's progress through a channel", async () => {
    invoke.mockResolvedValue({});
    const filter = { under: ["tech"], reason: null, min_confidence: 0.2, max_confidence: null };
    await api.reviewNext({ filter, order: "uncertainty", limit: 5, offset: null });
    expect(invoke).toHaveBeenLastCalledWith("review_next", { request: { filter, order: "uncertainty", limit: 5, offset: null } });
    await api.reviewDecide(7, { action: "reassign", to: ["a"] });
    expect(invoke).toHaveBeenLastCalledWith("review_decide", { request: { item: 7, decision: { action: "reassign", to: ["a"] } } });
    await api.reviewUndo(null);
    expect(invoke).toHaveBeenLastCalledWith("review_undo", { request: { decision: null } });
    await api.reviewSkip(7);
    expect(invoke).toHaveBeenLastCalledWith("review_skip", { request: { item: 7 } });
    await api.categoryCounts(["a", "b"]);
    expect(invoke).toHaveBeenLastCalledWith("category_counts", { request: { keys: ["a", "b"] } });

    const heard: unknown[] = [];
    const request = { model: null, precision: 0.8, documents: "unreviewed" as const, audit_share: null };
    await api.classify(request, (p) => heard.push(p));
    const [cmd, args] = invoke.mock.lastCall as [string, { request: unknown; progress: InstanceType<typeof FakeChannel> }];
    expect(cmd).toBe("classify");
    expect(args.request).toEqual(request);
    args.progress.onmessage({ stage: "classifying", done: 1, total: 2 });
    expect(heard).toEqual([{ stage: "classifying", done: 1, total: 2 }]);
  });

  it("rejects with a CommandError whatever the rejection was", async () => {
    const settle = (p: Promise<unknown>) => p.then(() => "resolved", (e: unknown) => e);
    invoke.mockImplementation(async () => {
      throw { kind: "cycle", message: "cycle: a -> b -> a", path: ["a", "b", "a"], keys: null };
    });
    expect(await settle(api.children(1, "a"))).toEqual({ kind: "cycle", message: "cycle: a -> b -> a", path: ["a", "b", "a"], keys: null });
    invoke.mockImplementation(async () => {
      throw new Error("Command roots not found");
    });
    expect(await settle(api.roots(1))).toEqual({ kind: "internal", message: "Command roots not found", path: null, keys: null });
  });

  it("normalises errors", () => {
    expect(api.toCommandError(new Error("boom"))).toMatchObject({ kind: "internal", message: "boom" });
    expect(api.toCommandError({ message: "m" })).toEqual({ kind: "internal", message: "m", path: null, keys: null });
    expect(api.toCommandError({ kind: "conflict", message: "c", keys: ["x"] }).keys).toEqual(["x"]);
    expect(api.toCommandError(42).message).toContain("42");
  });

  it("keeps every known kind and maps an unknown one (an older or newer backend) to internal", () => {
    for (const kind of api.ERROR_KINDS) {
      expect(api.toCommandError({ kind, message: "m" }).kind).toBe(kind);
      expect(api.isKnownKind(kind)).toBe(true);
    }
    expect(new Set(api.ERROR_KINDS).size).toBe(10);
    for (const old of ["invalid", "bad_input", "database", "connection", "ipc", "unknown", "toString", ""]) {
      expect(api.toCommandError({ kind: old, message: "m", path: ["a"], keys: null })).toEqual({
        kind: "internal",
        message: "m",
        path: ["a"],
        keys: null,
      });
      expect(api.isKnownKind(old)).toBe(false);
    }
    expect(api.toCommandError({ kind: 7, message: "m" }).kind).toBe("internal");
    expect(api.toCommandError("Command x not found")).toEqual({ kind: "internal", message: "Command x not found", path: null, keys: null });
    expect(api.isCommandError({ kind: "busy", message: "m" })).toBe(true);
    expect(api.isCommandError({ kind: "database", message: "m" })).toBe(false);
  });
});
