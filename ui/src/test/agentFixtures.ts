// Agents, search results and credentials for the agents view's tests.
import type { Agent, AgentSettings, CommandError, Credentials, Hit, SearchResult } from "../bindings";

export const SETTINGS: AgentSettings = { mode: "hybrid", k: 10, weights: { bm25: 1, vector: 1 }, model: null };

export function agent(name: string, over: Partial<Agent> = {}): Agent {
  return {
    name,
    description: `About ${name}`,
    categories: ["animal"],
    pinned_version: null,
    settings: SETTINGS,
    role: `dtrag_agent_${name.replace(/\W/g, "_")}`,
    can_login: false,
    scope: { nodes: 6, documents: 4, chunks: 9 },
    created_by: "tester",
    created_at: "2025-11-25T10:00:00Z",
    updated_at: "2025-11-25T10:00:00Z",
    ...over,
  };
}

export const AGENTS: Agent[] = [
  agent("pets", { categories: ["fish", "pet"], pinned_version: 2, scope: { nodes: 3, documents: 2, chunks: 5 } }),
  agent("zoo", { can_login: true }),
];

export function hit(rank: number, over: Partial<Hit> = {}): Hit {
  return {
    rank,
    chunk_id: 100 + rank,
    document: `doc-${rank}`,
    title: `Document ${rank}`,
    score: 1 / rank,
    text: `text of document ${rank}`,
    fragments: [],
    categories: ["pet"],
    bm25: null,
    vector: null,
    ...over,
  };
}

export function result(hits: Hit[], over: Partial<SearchResult> = {}): SearchResult {
  return {
    mode: "bm25",
    hits,
    model: null,
    plan: null,
    scope_chunks: 5,
    candidates: 50,
    notice: null,
    fusion: null,
    timings: { scope_ms: 0, embed_ms: 0, bm25_ms: 1.5, vector_ms: 0, total_ms: 3 },
    ...over,
  };
}

export function credentials(name: string, url: string | null, in_keyring = false): Credentials {
  return { agent: name, role: `dtrag_agent_${name}`, url, in_keyring };
}

export function refusal(message: string, kind: CommandError["kind"] = "invalid_input"): CommandError {
  return { kind, message, path: null, keys: null };
}
