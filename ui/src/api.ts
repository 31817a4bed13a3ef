// The only module that talks to the Rust side. One typed function per command of docs/ipc.md;
// every rejection is normalised to a CommandError. Tests mock this module (vi.mock("./api")).
import { invoke } from "@tauri-apps/api/core";
import type {
  AuditEntry,
  CommandError,
  ConnectRequest,
  ConnectionStatus,
  Diff,
  EditOp,
  FindHit,
  Model,
  NodeDetails,
  NodeSummary,
  Published,
  RollbackOutcome,
  SearchRequest,
  SearchResult,
  Version,
} from "./bindings";

const KINDS = ["cycle", "conflict", "not_found", "invalid", "bad_input", "database", "connection", "io", "embedding"];

function stringList(v: unknown): string[] | null {
  return Array.isArray(v) && v.every((s) => typeof s === "string") ? (v as string[]) : null;
}

/** Any rejection (a CommandError from Rust, a JS Error, a string from Tauri itself) as a CommandError. */
export function toCommandError(e: unknown): CommandError {
  if (e && typeof e === "object" && !(e instanceof Error)) {
    const o = e as Record<string, unknown>;
    if (typeof o.message === "string") {
      return {
        kind: typeof o.kind === "string" ? o.kind : "unknown",
        message: o.message,
        path: stringList(o.path),
        keys: stringList(o.keys),
      };
    }
  }
  if (e instanceof Error) {
    return { kind: "ipc", message: e.message || String(e), path: null, keys: null };
  }
  if (typeof e === "string") {
    return { kind: "ipc", message: e, path: null, keys: null };
  }
  let text: string;
  try {
    text = JSON.stringify(e);
  } catch {
    text = String(e);
  }
  return { kind: "ipc", message: `unexpected error: ${text}`, path: null, keys: null };
}

export function isCommandError(e: unknown): e is CommandError {
  return !!e && typeof e === "object" && typeof (e as CommandError).kind === "string" &&
    typeof (e as CommandError).message === "string";
}

/** A known kind from docs/ipc.md (others come from Tauri itself, e.g. an unknown command). */
export function isKnownKind(kind: string): boolean {
  return KINDS.includes(kind);
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toCommandError(e);
  }
}

export function connectionStatus(): Promise<ConnectionStatus> {
  return call("connection_status");
}

export function connect(request: ConnectRequest): Promise<ConnectionStatus> {
  return call("connect", { request });
}

export function forgetConnection(): Promise<ConnectionStatus> {
  return call("forget_connection");
}

/** All versions, ascending. */
export function listVersions(): Promise<Version[]> {
  return call("list_versions");
}

export function roots(version: number): Promise<NodeSummary[]> {
  return call("roots", { version });
}

export function children(version: number, key: string): Promise<NodeSummary[]> {
  return call("children", { version, key });
}

export function nodeDetails(version: number, key: string): Promise<NodeDetails> {
  return call("node_details", { version, key });
}

export function findNodes(version: number, text: string, limit: number): Promise<FindHit[]> {
  return call("find_nodes", { version, text, limit });
}

export function diffVersions(from: number, to: number): Promise<Diff> {
  return call("diff_versions", { from, to });
}

export function previewEdits(base: number, ops: EditOp[]): Promise<Diff> {
  return call("preview_edits", { base, ops });
}

export function publishEdits(base: number, ops: EditOp[], message: string): Promise<Published> {
  return call("publish_edits", { base, ops, message });
}

export function previewRollback(to: number): Promise<RollbackOutcome> {
  return call("preview_rollback", { to });
}

export function rollback(to: number, message: string): Promise<RollbackOutcome> {
  return call("rollback", { to, message });
}

/** Newest first. */
export function auditLog(actor: string | null, action: string | null, limit: number): Promise<AuditEntry[]> {
  return call("audit_log", { actor, action, limit });
}

export function importTaxonomy(path: string, message: string): Promise<Published> {
  return call("import_taxonomy", { path, message });
}

/**
 * A search request: the fields the UI sets; the others (BM25 parameters, RRF constant, model, …)
 * may be left out and take the library's defaults (SearchRequest is `#[serde(default)]`).
 */
export type SearchQuery = Pick<SearchRequest, "query" | "mode" | "k" | "under" | "version" | "weights"> & Partial<SearchRequest>;

export function search(request: SearchQuery): Promise<SearchResult> {
  return call("search", { request });
}

/** The registered embedding models with their vector counts (empty: nothing embedded yet). */
export function embeddingModels(): Promise<Model[]> {
  return call("embedding_models");
}
