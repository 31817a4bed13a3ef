// Wording of the agents view: an agent's pin, scope size and settings in one line each.
import type { Agent, AgentSettings, ScopeSize } from "../bindings";
import { MODES } from "../searchText";

/** "follows the head" / "pinned to v3". */
export function describePin(pinned: number | null): string {
  return pinned === null ? "follows the head" : `pinned to v${pinned}`;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "12 documents · 30 chunks · 4 category nodes". */
export function describeScope(s: ScopeSize): string {
  return [plural(s.documents, "document", "documents"), plural(s.chunks, "chunk", "chunks"), plural(s.nodes, "category node", "category nodes")].join(
    " · ",
  );
}

export function modeLabel(mode: AgentSettings["mode"]): string {
  return MODES.find((m) => m.id === mode)?.label ?? mode;
}

/** "Hybrid · k 10 · weights BM25 1, vector 1 · default model". */
export function describeSettings(s: AgentSettings): string {
  const parts = [modeLabel(s.mode), `k ${s.k}`];
  if (s.mode === "hybrid") parts.push(`weights BM25 ${s.weights.bm25}, vector ${s.weights.vector}`);
  if (s.mode !== "bm25") parts.push(s.model ?? "default model");
  return parts.join(" · ");
}

/** Whether the two key lists name the same categories (in any order). */
export function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((k) => set.has(k));
}

/** The agent with `name` replaced by `agent` (or added), by name. */
export function upsert(list: readonly Agent[], agent: Agent): Agent[] {
  const rest = list.filter((a) => a.name !== agent.name);
  return [...rest, agent].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
}
