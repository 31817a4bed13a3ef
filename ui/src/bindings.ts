// Generated from the Rust types by src-tauri/src/bindings.rs (ts-rs). Do not edit.

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]: JsonValue } | null;

export type VersionKind = "init" | "import" | "edit" | "rollback";

export type Version = { version: number, parent_version: number | null, created_at: string, author: string, message: string, kind: VersionKind, restored_from: number | null, };

export type NodeRecord = { key: string, label: string, alt_labels: Array<string>, description: string, parents: Array<string>, };

export type NodeSummary = { key: string, label: string, child_count: number, parent_count: number, };

export type NodeDetails = { version: number, key: string, label: string, alt_labels: Array<string>, description: string, parents: Array<NodeSummary>, children: Array<NodeSummary>, paths: Array<Array<string>>, };

export type FindHit = { key: string, label: string, 
/**
 * The label or alternative label that matched best.
 */
matched: string, score: number, 
/**
 * Labels of the node's parents, to tell apart nodes with the same label.
 */
parent_labels: Array<string>, };

export type Summary = { added: number, removed: number, renamed: number, moved: number, edited: number, };

export type NodeEntry = { key: string, label: string, alt_labels: Array<string>, description: string, parents: Array<string>, };

export type Renamed = { key: string, before: string, after: string, };

export type Moved = { key: string, label: string, before: Array<string>, after: Array<string>, };

export type EditedFields = { description: string, alt_labels: Array<string>, };

export type DiffSpan = { tag: string, text: string, };

export type Edited = { key: string, label: string, before: EditedFields, after: EditedFields, 
/**
 * Word diff of the description (empty when only the alternative labels changed).
 */
description_diff: Array<DiffSpan>, };

export type Diff = { from: number, to: number, summary: Summary, added: Array<NodeEntry>, removed: Array<NodeEntry>, renamed: Array<Renamed>, moved: Array<Moved>, edited: Array<Edited>, };

export type PublishStats = { nodes_added: number, nodes_removed: number, nodes_changed: number, edges_added: number, edges_removed: number, };

export type Published = { version: number | null, base_head: number, stats: PublishStats, elapsed_ms: number, };

export type RollbackOutcome = { 
/**
 * The version published, `None` for a dry run or when the head already equals the target.
 */
version: number | null, restored: number, head_before: number, dry_run: boolean, 
/**
 * What the rollback changes: the diff from the old head to the restored content.
 */
diff: Diff, elapsed_ms: number, };

export type AuditEntry = { id: number, at: string, actor: string, action: string, version: number | null, details: JsonValue, };

export type EditOp = { "op": "add", key: string, label: string, alt_labels: Array<string>, description: string, parents: Array<string>, } | { "op": "rename", key: string, label: string, } | { "op": "set_description", key: string, description: string, } | { "op": "set_alt_labels", key: string, alt_labels: Array<string>, } | { "op": "add_parent", key: string, parent: string, } | { "op": "remove_parent", key: string, parent: string, } | { "op": "move", key: string, parents: Array<string>, } | { "op": "delete", key: string, cascade: boolean, } | { "op": "merge", from: string, into: string, };

export type ConnectionStatus = { 
/**
 * `connecting`, `ready`, `needs_password` or `error`.
 */
state: string, 
/**
 * `embedded` or `url`.
 */
kind: string, 
/**
 * The data directory, or the URL without its password.
 */
description: string, error: string | null, keyring_available: boolean, keyring_message: string | null, 
/**
 * Who publishes from this app (recorded on versions and in the audit log).
 */
author: string, };

export type ConnectRequest = { 
/**
 * `null`: the embedded database.
 */
url: string | null, password: string | null, 
/**
 * Keep the URL and put the password in the OS keyring.
 */
remember: boolean, };

export type CommandError = { 
/**
 * `cycle`, `conflict`, `not_found`, `invalid`, `bad_input`, `database`, `connection`, `io`.
 */
kind: string, message: string, 
/**
 * For `cycle`: the cycle, child -> parent -> … -> child.
 */
path: Array<string> | null, 
/**
 * For `conflict`: the nodes changed since the draft's base.
 */
keys: Array<string> | null, };
