// The only module that talks to the Rust side. One typed function per command of docs/ipc.md;
// every rejection is normalised to a CommandError. Tests mock this module (vi.mock("./api")).
import { Channel, invoke } from "@tauri-apps/api/core";
import type {
  Agent,
  AgentChange,
  AgentSearch,
  AuditEntry,
  AuditRequest,
  BackupReport,
  BackupRequest,
  Health,
  HealthRequest,
  BulkOutcome,
  BulkRequest,
  CategoryCounts,
  ClassifyOutcome,
  ClassifyRequest,
  CommandError,
  CommandName,
  ConnectRequest,
  ConnectionStatus,
  Credentials,
  EvalReport,
  GoldenSetSummary,
  SelfCheck,
  Decision,
  DecisionOutcome,
  Diff,
  DiffRequest,
  EditOp,
  EditRequest,
  ErrorKind,
  FindHit,
  FindRequest,
  CheckRequest,
  FileFormat,
  ImportPreview,
  ImportRequest,
  Imported,
  QualityReport,
  RestoreReport,
  RestoreRequest,
  Model,
  NewAgent,
  NodeDetails,
  NodeRequest,
  NodeSummary,
  Progress,
  Published,
  QueueRequest,
  RecentDecision,
  ReviewItem,
  ReviewPage,
  ReviewStats,
  RollbackOutcome,
  RollbackRequest,
  SearchRequest,
  SearchResult,
  Undone,
  Version,
  VersionRequest,
} from "./bindings";

/**
 * Every ErrorKind, each once. A Record so that a kind added to (or renamed in) the Rust enum, and so
 * in bindings.ts, is a compile error here until it is listed.
 */
const KIND_SET: Record<ErrorKind, true> = {
  not_found: true,
  invalid_input: true,
  cycle: true,
  conflict: true,
  busy: true,
  unavailable: true,
  unauthorized: true,
  embedding: true,
  io: true,
  internal: true,
};

/** All error kinds the backend sends (docs/ipc.md). */
export const ERROR_KINDS: readonly ErrorKind[] = Object.freeze(Object.keys(KIND_SET) as ErrorKind[]);

function stringList(v: unknown): string[] | null {
  return Array.isArray(v) && v.every((s) => typeof s === "string") ? (v as string[]) : null;
}

/**
 * Any rejection (a CommandError from Rust, a JS Error, a string from Tauri itself) as a CommandError.
 * A kind this UI does not know (an older or newer backend) becomes "internal"; a failure of `invoke`
 * itself (an unknown command, a serialisation error) is "internal" too.
 */
export function toCommandError(e: unknown): CommandError {
  if (e && typeof e === "object" && !(e instanceof Error)) {
    const o = e as Record<string, unknown>;
    if (typeof o.message === "string") {
      return {
        kind: typeof o.kind === "string" && isKnownKind(o.kind) ? o.kind : "internal",
        message: o.message,
        path: stringList(o.path),
        keys: stringList(o.keys),
      };
    }
  }
  if (e instanceof Error) {
    return { kind: "internal", message: e.message || String(e), path: null, keys: null };
  }
  if (typeof e === "string") {
    return { kind: "internal", message: e, path: null, keys: null };
  }
  let text: string;
  try {
    text = JSON.stringify(e);
  } catch {
    text = String(e);
  }
  return { kind: "internal", message: `unexpected error: ${text}`, path: null, keys: null };
}

export function isCommandError(e: unknown): e is CommandError {
  return !!e && typeof e === "object" && typeof (e as CommandError).kind === "string" && isKnownKind((e as CommandError).kind) &&
    typeof (e as CommandError).message === "string";
}

/** A known kind from docs/ipc.md (others come from an older or newer backend). */
export function isKnownKind(kind: string): kind is ErrorKind {
  return Object.prototype.hasOwnProperty.call(KIND_SET, kind);
}

async function call<T>(cmd: CommandName, args?: Record<string, unknown>): Promise<T> {
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

/** Backs the connected database up (pg_dump); `onProgress` hears tables dumped. */
export function backupDatabase(request: BackupRequest, onProgress: (p: Progress) => void): Promise<BackupReport> {
  const progress = new Channel<Progress>();
  progress.onmessage = onProgress;
  return call("backup_database", { request, progress });
}

/** The connected database's health: sizes, connections, slowest statements, warnings. */
export function databaseHealth(request: HealthRequest): Promise<Health> {
  return call("database_health", { request });
}

/** Restores a backup into a new database (or the connected one when empty); tables restored. */
export function restoreDatabase(request: RestoreRequest, onProgress: (p: Progress) => void): Promise<RestoreReport> {
  const progress = new Channel<Progress>();
  progress.onmessage = onProgress;
  return call("restore_database", { request, progress });
}

/** All versions, ascending. */
export function listVersions(): Promise<Version[]> {
  return call("list_versions");
}

export function roots(version: number): Promise<NodeSummary[]> {
  const request: VersionRequest = { version };
  return call("roots", { request });
}

export function children(version: number, key: string): Promise<NodeSummary[]> {
  const request: NodeRequest = { version, key };
  return call("children", { request });
}

export function nodeDetails(version: number, key: string): Promise<NodeDetails> {
  const request: NodeRequest = { version, key };
  return call("node_details", { request });
}

export function findNodes(version: number, text: string, limit: number): Promise<FindHit[]> {
  const request: FindRequest = { version, text, limit };
  return call("find_nodes", { request });
}

export function diffVersions(from: number, to: number): Promise<Diff> {
  const request: DiffRequest = { from, to };
  return call("diff_versions", { request });
}

export function previewEdits(base: number, ops: EditOp[]): Promise<Diff> {
  const request: EditRequest = { base, ops, message: null };
  return call("preview_edits", { request });
}

export function publishEdits(base: number, ops: EditOp[], message: string): Promise<Published> {
  const request: EditRequest = { base, ops, message };
  return call("publish_edits", { request });
}

export function previewRollback(to: number): Promise<RollbackOutcome> {
  const request: RollbackRequest = { to, message: null };
  return call("preview_rollback", { request });
}

export function rollback(to: number, message: string): Promise<RollbackOutcome> {
  const request: RollbackRequest = { to, message };
  return call("rollback", { request });
}

/** Newest first. */
export function auditLog(actor: string | null, action: string | null, limit: number): Promise<AuditEntry[]> {
  const request: AuditRequest = { actor, action, limit };
  return call("audit_log", { request });
}

/** SKOS options of an import (a JSON Lines file ignores them). */
export type ImportOptions = { format?: FileFormat; base?: string; lang?: string };

function importRequest(path: string, message: string | null, opts: ImportOptions): ImportRequest {
  const request: ImportRequest = { path, message };
  if (opts.format) request.format = opts.format;
  if (opts.base) request.base = opts.base;
  if (opts.lang) request.lang = opts.lang;
  return request;
}

/** JSON Lines, or SKOS (Turtle, N-Triples, RDF/XML, JSON-LD) by extension. */
export function importTaxonomy(path: string, message: string, opts: ImportOptions = {}): Promise<Imported> {
  return call("import_taxonomy", { request: importRequest(path, message, opts) });
}

/** What importing the file would change; nothing is written. */
export function previewImport(path: string, opts: ImportOptions = {}): Promise<ImportPreview> {
  return call("preview_import", { request: importRequest(path, null, opts) });
}

/** The qSKOS-style quality findings of a version (`null`: the head). */
export function checkTaxonomy(version: number | null): Promise<QualityReport> {
  const request: CheckRequest = { version, lang: null };
  return call("check_taxonomy", { request });
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

/**
 * Runs the classifier; `onProgress` hears each stage ("classifying", 120 of 400) through a Tauri
 * channel while it runs.
 */
export function classify(request: ClassifyRequest, onProgress: (p: Progress) => void): Promise<ClassifyOutcome> {
  const progress = new Channel<Progress>();
  progress.onmessage = onProgress;
  return call("classify", { request, progress });
}

export function reviewStats(): Promise<ReviewStats> {
  return call("review_stats");
}

/** A page of the queue, not leased (the bulk table). */
export function reviewList(request: QueueRequest): Promise<ReviewPage> {
  return call("review_list", { request });
}

/** The next items, leased to the app's author (the focus view), with every path of each suggestion. */
export function reviewNext(request: QueueRequest): Promise<ReviewPage> {
  return call("review_next", { request });
}

/** Ends the author's leases (a new filter or order: the old prefetched items go back to the queue). */
export function reviewRelease(): Promise<number> {
  return call("review_release");
}

export function reviewItem(item: number): Promise<ReviewItem> {
  return call("review_item", { request: { item } });
}

export function reviewDecide(item: number, decision: Decision): Promise<DecisionOutcome> {
  return call("review_decide", { request: { item, decision } });
}

export function reviewSkip(item: number): Promise<null> {
  return call("review_skip", { request: { item } });
}

/** Undoes the author's latest decision, or the given one. */
export function reviewUndo(decision: number | null): Promise<Undone> {
  return call("review_undo", { request: { decision } });
}

/** The author's last ten decisions that are not undone, newest first. */
export function reviewRecent(): Promise<RecentDecision[]> {
  return call("review_recent");
}

export function reviewBulkAccept(request: BulkRequest): Promise<BulkOutcome> {
  return call("review_bulk_accept", { request });
}

/** Documents classified under each key and open review items about it. */
export function categoryCounts(keys: string[]): Promise<CategoryCounts[]> {
  return call("category_counts", { request: { keys } });
}

/** Every agent, by name, with the size of its scope. */
export function agentsList(): Promise<Agent[]> {
  return call("agents_list");
}

export function agentsShow(name: string): Promise<Agent> {
  return call("agents_show", { request: { name } });
}

export function agentsCreate(request: NewAgent): Promise<Agent> {
  return call("agents_create", { request });
}

/**
 * Changes an agent: `null` leaves a field as it is; `pinned_version` left out (undefined) leaves the
 * pin, `null` follows the head again.
 */
export function agentsUpdate(name: string, change: AgentChange): Promise<Agent> {
  // Absent, not null: the serialiser must not turn "unchanged" into "follow the head".
  const { pinned_version, ...rest } = change;
  const sent = pinned_version === undefined ? rest : change;
  return call("agents_update", { request: { name, change: sent } });
}

/** Removes the agent, its scope and its role; returns it as it was. */
export function agentsRemove(name: string): Promise<Agent> {
  return call("agents_remove", { request: { name } });
}

/** A search as the agent: what its role may read, with its settings for what is left null. */
export function agentsSearch(request: AgentSearch): Promise<SearchResult> {
  return call("agents_search", { request });
}

/** A new login for the agent's role (its URL carries the password), or, with `revoke`, none. */
/** The leak self-check: probes run as the agent's role; nothing is written. */
export function agentsCheck(name: string): Promise<SelfCheck> {
  return call("agents_check", { request: { name } });
}

export function agentsCredentials(name: string, revoke: boolean): Promise<Credentials> {
  return call("agents_credentials", { request: { name, revoke } });
}

/** The stored golden sets (`dtrag eval sets add NAME FILE` makes them). */
export function evalSets(): Promise<GoldenSetSummary[]> {
  return call("eval_sets");
}

/** Runs a stored golden set (all three modes), as `agent` when given; the result is kept. */
export function evalRun(set: string, agent: string | null, version: number | null): Promise<EvalReport> {
  const options = { modes: [], agent, version: agent === null ? version : null, k: 10 };
  return call("eval_run", { request: { source: { set, file: null, save_as: null }, options } });
}

/** The last result of a stored set for the agent (or the owner) at the version (null: the latest). */
export function evalLast(set: string, agent: string | null, version: number | null): Promise<EvalReport | null> {
  return call("eval_last", { request: { set, agent, version } });
}
