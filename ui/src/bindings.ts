// Generated from the Rust types by src-tauri/src/bindings.rs (ts-rs). Do not edit.

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]: JsonValue } | null;

export type VersionKind = "init" | "import" | "edit" | "rollback";

export type Version = { version: number, parent_version: number | null, created_at: string, author: string, message: string, kind: VersionKind, restored_from: number | null, };

export type NodeRecord = { key: string, label: string, alt_labels: Array<string>, description: string, parents: Array<string>, 
/**
 * What the node says beyond the fields above (kept from a SKOS import so an export loses
 * nothing); absent from a line when there is none, so files without extras are unchanged.
 */
extras?: Array<Extra>, };

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

export type Summary = { added: number, removed: number, renamed: number, moved: number, edited: number, 
/**
 * Deprecated concepts (SKOS) that appeared, changed or went; absent when none.
 */
deprecated?: number, };

export type NodeEntry = { key: string, label: string, alt_labels: Array<string>, description: string, parents: Array<string>, };

export type Renamed = { key: string, before: string, after: string, };

export type Moved = { key: string, label: string, before: Array<string>, after: Array<string>, };

export type EditedFields = { description: string, alt_labels: Array<string>, 
/**
 * The node's other statements (SKOS properties kept by an import); absent when none.
 */
extras?: Array<Extra>, };

export type DiffSpan = { tag: string, text: string, };

export type Edited = { key: string, label: string, before: EditedFields, after: EditedFields, 
/**
 * Word diff of the description (empty when only the alternative labels changed).
 */
description_diff: Array<DiffSpan>, 
/**
 * The other statements (extras) only before and only after, sorted: an edit of only the
 * kept SKOS properties (a notation, a label in another language, a note) shows here.
 */
extras_removed?: Array<Extra>, extras_added?: Array<Extra>, };

export type Diff = { from: number, to: number, summary: Summary, added: Array<NodeEntry>, removed: Array<NodeEntry>, renamed: Array<Renamed>, moved: Array<Moved>, edited: Array<Edited>, 
/**
 * The documents the changes touch (classifications sent to review, carried by a merge,
 * restored by a rollback).
 */
impact: ClassificationImpact, 
/**
 * The agents following the head whose scope differs between the two versions.
 */
agent_scopes: Array<ScopeChange>, 
/**
 * Deprecated concepts (SKOS, not nodes) that differ between the two versions.
 */
deprecated?: Array<DeprecatedChange>, };

export type PublishStats = { nodes_added: number, nodes_removed: number, nodes_changed: number, edges_added: number, edges_removed: number, 
/**
 * Deprecated concepts (SKOS) that appeared, changed or went; absent when none.
 */
deprecated_changed?: number, };

export type ScopeChange = { agent: string, documents_before: number, documents_after: number, 
/**
 * Documents that enter the scope.
 */
added: number, 
/**
 * Documents that leave it.
 */
removed: number, };

export type Probe = { name: string, passed: boolean, detail: string, };

export type SelfCheck = { agent: string, passed: boolean, probes: Array<Probe>, };

export type Published = { version: number | null, base_head: number, stats: PublishStats, 
/**
 * What the publish did to classifications and the review queue.
 */
impact: ClassificationImpact, 
/**
 * Agents following the head whose scope this publish changed.
 */
agent_scopes: Array<ScopeChange>, elapsed_ms: number, };

export type RollbackOutcome = { 
/**
 * The version published, `None` for a dry run or when the head already equals the target.
 */
version: number | null, restored: number, head_before: number, dry_run: boolean, 
/**
 * What the rollback changes: the diff from the old head to the restored content.
 */
diff: Diff, elapsed_ms: number, };

export type Extra = { property: string, object: ExtraObject, };

export type ExtraObject = { "iri": string } | { "literal": { value: string, lang?: string, datatype?: string, } };

export type DeprecatedChange = { key: string, before: Array<Extra> | null, after: Array<Extra> | null, };

export type Unplaced = { 
/**
 * The statement in N-Triples syntax.
 */
triple: string, reason: string, };

export type Deprecated = { key: string, replaced_by: Array<string>, };

export type ImportReport = { 
/**
 * The language labels were read in ("" = untagged).
 */
language: string, triples: number, 
/**
 * Concepts that became nodes.
 */
concepts: number, deprecated: Array<Deprecated>, 
/**
 * Concepts without any prefLabel: their key is their label.
 */
unlabelled: Array<string>, 
/**
 * The first [`UNPLACED_LISTED`] statements with no place, and how many there were.
 */
unplaced: Array<Unplaced>, unplaced_total: number, };

export type Imported = { skos: ImportReport | null, version: number | null, base_head: number, stats: PublishStats, 
/**
 * What the publish did to classifications and the review queue.
 */
impact: ClassificationImpact, 
/**
 * Agents following the head whose scope this publish changed.
 */
agent_scopes: Array<ScopeChange>, elapsed_ms: number, };

export type ImportPreview = { diff: Diff, skos: ImportReport | null, };

export type FileFormat = "jsonl" | "turtle" | "ntriples" | "rdfxml" | "jsonld";

export type Check = "orphan_concept" | "missing_label" | "empty_label" | "duplicate_label" | "two_pref_labels" | "hierarchical_redundancy" | "top_concept_with_parent" | "disconnected_cluster" | "undocumented";

export type Finding = { check: Check, 
/**
 * The nodes concerned, sorted.
 */
nodes: Array<string>, message: string, };

export type QualityReport = { version: number, nodes: number, 
/**
 * How many findings of each kind (kinds without findings are absent).
 */
counts: { [key in Check]?: number }, findings: Array<Finding>, };

export type AuditEntry = { id: number, at: string, actor: string, action: string, version: number | null, details: JsonValue, };

export type EditOp = { "op": "add", key: string, label: string, alt_labels: Array<string>, description: string, parents: Array<string>, } | { "op": "rename", key: string, label: string, } | { "op": "set_description", key: string, description: string, } | { "op": "set_alt_labels", key: string, alt_labels: Array<string>, } | { "op": "add_parent", key: string, parent: string, } | { "op": "remove_parent", key: string, parent: string, } | { "op": "move", key: string, parents: Array<string>, } | { "op": "delete", key: string, cascade: boolean, } | { "op": "merge", from: string, into: string, };

export type Mode = "hybrid" | "bm25" | "vector";

export type Weights = { bm25: number, vector: number, };

export type Bm25Params = { k1: number, b: number, };

export type SearchRequest = { query: string, mode: Mode, k: number, 
/**
 * Category keys: only documents classified under them or their descendants.
 */
under: Array<string>, 
/**
 * Taxonomy version the scope is read at (default: head).
 */
version: number | null, bm25: Bm25Params, weights: Weights, 
/**
 * How the two lists are fused (hybrid). `None`: the fusion and weights `dtrag eval search
 * --tune` stored for the model, else [`Fusion::default`] with `weights`.
 */
fusion?: Fusion, 
/**
 * RRF damping constant.
 */
rrf_k: number, 
/**
 * Brute-force vector scan instead of HNSW (ground truth for recall).
 */
exact: boolean, 
/**
 * Embedding model name (default: the default model).
 */
model: string | null, 
/**
 * `hnsw.ef_search` for this query (default: the model's setting).
 */
ef_search: number | null, 
/**
 * How many candidates each retriever hands to fusion (default: max(4·k, 50)).
 */
candidates: number | null, };

export type Fragment = { text: string, hit: boolean, };

export type FusionMethod = "rrf" | "minmax" | "zscore";

export type Fusion = { method: FusionMethod, 
/**
 * Scale the BM25 weight by the list's [`LexicalEvidence`] through [`EVIDENCE_CURVE`]: how
 * much of the query it matched and how far its best hit stands out (0: no say).
 */
evidence: boolean, };

export type FusionReport = { fusion: Fusion, 
/**
 * Share of the query's idf mass matched by the best BM25 hit (0..=1).
 */
lexical_evidence: number, 
/**
 * How far the best BM25 hit's score stands above the tenth's, as a share of it (0..=1).
 */
lexical_distinctness: number, 
/**
 * The weights as asked (or stored by tuning) before the evidence scaled them.
 */
bm25_weight: number, vector_weight: number, 
/**
 * Whether fusion and weights are the ones `dtrag eval search --tune` stored for the model.
 */
tuned: boolean, };

export type Bm25Signal = { rank: number, score: number, 
/**
 * The score as fusion read it: min-max or z-score within the list, or 1/(rrf_k + rank).
 */
normalized: number, 
/**
 * The weight this side had in this query's fusion (1 in a single mode).
 */
weight: number, };

export type VectorSignal = { rank: number, 
/**
 * Cosine distance (0 = same direction, 2 = opposite); the score fused is 1 − distance.
 */
distance: number, 
/**
 * The score as fusion read it (see [`Bm25Signal::normalized`]).
 */
normalized: number, 
/**
 * The weight this side had in this query's fusion (1 in a single mode).
 */
weight: number, };

export type Hit = { rank: number, chunk_id: number, 
/**
 * The document's source id.
 */
document: string, title: string, 
/**
 * The mode's score: BM25 score, 1 − cosine distance, or the fused score.
 */
score: number, text: string, 
/**
 * `text` cut into plain and matching pieces, for highlighting.
 */
fragments: Array<Fragment>, 
/**
 * The document's category keys.
 */
categories: Array<string>, 
/**
 * Why it is here: its place in the BM25 list, if it was in it.
 */
bm25: Bm25Signal | null, 
/**
 * Its place in the vector list, if it was in it.
 */
vector: VectorSignal | null, };

export type Timings = { scope_ms: number, embed_ms: number, bm25_ms: number, vector_ms: number, total_ms: number, };

export type SearchResult = { mode: Mode, hits: Array<Hit>, 
/**
 * The embedding model used (vector and hybrid modes).
 */
model: string | null, 
/**
 * How the vectors were read (vector and hybrid modes).
 */
plan: KnnPlan | null, 
/**
 * Chunks in the category scope, when there is one.
 */
scope_chunks: number | null, 
/**
 * How many candidates each retriever contributed (hybrid: the depth of the lists fused; a
 * hit absent from a list was not in its top `candidates`).
 */
candidates: number, 
/**
 * How the lists were fused (hybrid only).
 */
fusion: FusionReport | null, 
/**
 * Said when the search was not what was asked, and why (a vector or hybrid search that
 * ran as BM25 because there are no vectors yet).
 */
notice: string | null, timings: Timings, };

export type GoldenSetSummary = { name: string, queries: number, created_by: string, updated_at: string, };

export type QueryScore = { recall: number, reciprocal_rank: number, ndcg: number, };

export type ModeReport = { mode: Mode, 
/**
 * Means over the queries.
 */
recall: number, mrr: number, ndcg: number, 
/**
 * End-to-end search latency.
 */
p50_ms: number, p95_ms: number, 
/**
 * The hybrid fusion the searches used (the stored tuning, the agent's or the default).
 */
fusion: Fusion | null, tuned: boolean, 
/**
 * Said when the searches ran otherwise than asked (BM25 without vectors).
 */
notice: string | null, 
/**
 * Each query's scores, in the set's order.
 */
per_query: Array<QueryScore>, };

export type EvalOptions = { 
/**
 * Modes to run (empty: hybrid, BM25 and vector).
 */
modes: Array<Mode>, 
/**
 * Run as this agent (its role, scope, settings and version).
 */
agent: string | null, 
/**
 * Taxonomy version the queries' `under` scopes are read at (default: the head).
 */
version: number | null, k: number, 
/**
 * The hybrid fusion to measure (default: what a search would use; not with an agent,
 * which fuses as its settings say).
 */
fusion?: Fusion, };

export type EvalReport = { 
/**
 * The stored set's name (none for a file run without `--save`).
 */
set: string | null, queries: number, k: number, version: number, agent: string | null, model: string | null, modes: Array<ModeReport>, run_at: string, };

export type GoldenSource = { file: string | null, set: string | null, 
/**
 * Store the file's questions as this set (and the result with it).
 */
save_as: string | null, };

export type EvalRequest = { source: GoldenSource, options: EvalOptions, };

export type LastEvalRequest = { set: string, agent: string | null, version: number | null, };

export type Provider = "local" | "openai";

export type HnswSettings = { 
/**
 * Graph degree: more links, better recall, bigger index.
 */
m: number, 
/**
 * Candidate list size while building.
 */
ef_construction: number, 
/**
 * Candidate list size while searching (`hnsw.ef_search`).
 */
ef_search: number, };

export type Model = { id: number, name: string, provider: Provider, dims: number, config: unknown, hnsw: HnswSettings, is_default: boolean, 
/**
 * Chunks with a vector from this model.
 */
embedded: number, 
/**
 * All chunks (so `chunks - embedded` are waiting for the job).
 */
chunks: number, 
/**
 * Whether the model's HNSW index exists.
 */
indexed: boolean, };

export type KnnPlan = "hnsw" | "exact" | "exact_in_scope";

export type ImpactEntry = { key: string, 
/**
 * `removed`, `merged`, `split` or `moved`.
 */
change: string, documents: number, 
/**
 * A few of the documents (ids as imported).
 */
sample: Array<string>, };

export type ClassificationImpact = { entries: Array<ImpactEntry>, 
/**
 * Documents sent to review because a category was removed.
 */
sent_to_review: number, 
/**
 * Classifications carried to the category a removed one was merged into.
 */
carried_by_merge: number, 
/**
 * Documents sent to review because their category gained children.
 */
split_items: number, 
/**
 * Rows and items a rollback put back as they were.
 */
restored: number, };

export type DocumentSet = "unreviewed" | "all";

export type CurvePoint = { threshold: number, 
/**
 * Share of documents with at least one suggestion at or above the threshold.
 */
coverage: number, 
/**
 * Share of those suggestions that were right.
 */
precision: number, 
/**
 * 1 - coverage: the share that would go to people.
 */
hitl_rate: number, 
/**
 * Held-out suggestions at or above the threshold (a threshold is only chosen with at least
 * [`MIN_ACCEPTED`]).
 */
accepted: number, };

export type ClassifyOutcome = { run: number, model: string, version: number, 
/**
 * Documents classified in this run.
 */
documents: number, 
/**
 * Documents in the chosen set that have no vectors from the model (not classified).
 */
without_vectors: number, 
/**
 * Classifications accepted without a person (a document may get several).
 */
auto_accepted: number, 
/**
 * Documents with at least one auto-accepted classification.
 */
auto_accepted_documents: number, queued: number, audit_samples: number, 
/**
 * Open `category_split` items scored among the new children, and how many of them were
 * confident enough to be accepted without a person.
 */
splits_rescored: number, splits_auto_accepted: number, labelled: number, threshold: number | null, estimated_precision: number | null, estimated_hitl_rate: number, top1_accuracy: number, calibration_error: number, 
/**
 * Held-out risk–coverage curve: what other target precisions would give.
 */
curve: Array<CurvePoint>, notice: string | null, elapsed_ms: number, };

export type Reason = "low_confidence" | "category_removed" | "category_split" | "audit_sample";

export type ReviewSuggestion = { category: string, label: string, confidence: number, 
/**
 * `classifier`, `parent` (the removed category's parent), ...
 */
method: string, 
/**
 * Share of the vote of the nearest labelled documents, when the classifier suggested it.
 */
vote: number | null, 
/**
 * Cosine similarity to the category's own text, when the classifier suggested it.
 */
text_similarity: number | null, 
/**
 * Every path from a root to the category (keys), when asked for.
 */
paths: Array<Array<string>>, };

export type ReviewItem = { id: number, 
/**
 * The document's id as imported.
 */
document: string, title: string, 
/**
 * The start of the document's text.
 */
excerpt: string, reason: Reason, status: string, top_confidence: number, margin: number, impact: number, created_at: string, lease_owner: string | null, lease_until: string | null, 
/**
 * The removed or split category the item is about.
 */
context: string | null, 
/**
 * The categories the document is classified under now.
 */
current: Array<string>, suggestions: Array<ReviewSuggestion>, };

export type ReviewOrder = "uncertainty" | "oldest" | "impact";

export type ReviewFilter = { 
/**
 * Items with a suggestion (or about a category) in these subtrees at the head.
 */
under: Array<string>, reason: Reason | null, min_confidence: number | null, max_confidence: number | null, };

export type ReviewPage = { 
/**
 * How many items match, counted up to [`COUNT_AHEAD`] past the end of this page: beyond,
 * `total_exact` is false and `total` is that cap, which grows as later pages are read (a
 * bulk accept's dry run counts exactly).
 */
total: number, total_exact: boolean, items: Array<ReviewItem>, };

export type Decision = { "action": "accept", categories: Array<string>, } | { "action": "reject" } | { "action": "reassign", to: Array<string>, };

export type DecisionOutcome = { item: number, decision_id: number, action: string, 
/**
 * The categories the document is now classified under by this decision.
 */
accepted: Array<string>, rejected: Array<string>, };

export type RecentDecision = { decision_id: number, item: number, document: string, title: string, action: string, at: string, 
/**
 * The categories the decision accepted.
 */
accepted: Array<string>, };

export type Undone = { decision_id: number, item: number, action: string, };

export type BulkOutcome = { matched: number, 
/**
 * Matched items whose top suggestion is below the confidence floor.
 */
below_floor: number, floor: number, accepted: number, dry_run: boolean, };

export type ReasonCount = { reason: string, count: number, };

export type RunSummary = { run: number, model: string | null, started_at: string, finished_at: string | null, target_precision: number, threshold: number | null, estimated_precision: number | null, documents: number, auto_accepted: number, queued: number, curve: Array<CurvePoint>, };

export type ReviewStats = { pending: number, pending_by_reason: Array<ReasonCount>, decided_today: number, decided_total: number, 
/**
 * Documents the classifier handled, and how many of them it sent to people.
 */
classified_documents: number, queued_documents: number, hitl_rate: number | null, 
/**
 * Audit samples decided, and how many of them confirmed the auto-acceptance.
 */
audit_decided: number, audit_confirmed: number, measured_precision: number | null, last_run: RunSummary | null, };

export type CategoryCounts = { key: string, documents: number, pending: number, };

export type AgentSettings = { mode: Mode, k: number, weights: Weights, 
/**
 * Embedding model name (default: the default model at search time).
 */
model: string | null, 
/**
 * Hybrid fusion (`dtrag eval search --tune --agent` sets it; default: the model's tuning, or
 * the built-in default).
 */
fusion?: Fusion, };

export type ScopeSize = { 
/**
 * Category nodes: the allowed ones and their descendants at the agent's version.
 */
nodes: number, documents: number, chunks: number, };

export type Agent = { name: string, description: string, 
/**
 * The allowed categories (keys), sorted.
 */
categories: Array<string>, 
/**
 * The taxonomy version the scope is pinned to; `None`: it follows the head.
 */
pinned_version: number | null, settings: AgentSettings, 
/**
 * The PostgreSQL role the agent's searches run as.
 */
role: string, 
/**
 * Whether the role can log in (credentials issued).
 */
can_login: boolean, scope: ScopeSize, created_by: string, created_at: string, updated_at: string, };

export type NewAgent = { name: string, description: string, 
/**
 * Category keys at the agent's version; at least one.
 */
categories: Array<string>, pinned_version: number | null, settings: AgentSettings, };

export type AgentChange = { description: string | null, 
/**
 * The new full set of allowed categories.
 */
categories: Array<string> | null, 
/**
 * `Some(None)`: follow the head again; `Some(Some(v))`: pin to v.
 */
pinned_version: number | null | undefined, settings: AgentSettings | null, };

export type AgentSearch = { agent: string, query: string, mode: Mode | null, k: number | null, 
/**
 * Narrows the agent's scope further (never widens it).
 */
under: Array<string>, 
/**
 * Brute-force vector scan of the agent's scope (ground truth for recall).
 */
exact: boolean, };

export type Credentials = { agent: string, role: string, 
/**
 * `postgres://ROLE:PASSWORD@…`: what an external RAG service connects with.
 */
url: string | null, 
/**
 * Whether the password is also in the OS keyring (it is not when no keyring is reachable,
 * as on a headless server; the URL is then the only copy).
 */
in_keyring: boolean, };

export type Progress = { stage: string, done: number, total: number, };

export type VersionRequest = { version: number | null, };

export type NodeRequest = { version: number | null, key: string, };

export type FindRequest = { version: number | null, text: string, limit: number | null, };

export type DiffRequest = { from: number, to: number, };

export type EditRequest = { base: number | null, ops: Array<EditOp>, 
/**
 * What the change is for (default: a description of the operations).
 */
message: string | null, };

export type RollbackRequest = { to: number, message: string | null, };

export type ImportRequest = { path: string, message: string | null, 
/**
 * Default: by the file's extension (JSON Lines unless `.ttl`, `.nt`, `.rdf`, `.xml`, `.owl`, `.jsonld`).
 */
format?: FileFormat, 
/**
 * SKOS: the namespace stripped from concept IRIs to make keys.
 */
base?: string, 
/**
 * SKOS: the language of labels (default: the file's most common).
 */
lang?: string, };

export type CheckRequest = { version: number | null, 
/**
 * The language the labels are in (default: the version's, else `en`).
 */
lang: string | null, };

export type AuditRequest = { 
/**
 * Only this actor's entries (empty: everyone's).
 */
actor: string | null, 
/**
 * Only actions starting with this, e.g. `taxonomy.rollback` (empty: all).
 */
action: string | null, limit: number | null, };

export type ClassifyRequest = { 
/**
 * The embedding model whose vectors are used (default: the default model).
 */
model: string | null, 
/**
 * The precision auto-accepted suggestions must reach on held-out labels (default 0.9).
 */
precision: number | null, documents: DocumentSet, 
/**
 * The share of auto-accepted documents sent to review as audit samples (default 0.02).
 */
audit_share: number | null, };

export type QueueRequest = { filter: ReviewFilter, order: ReviewOrder, limit: number | null, offset: number | null, };

export type ItemRequest = { item: number, };

export type DecideRequest = { item: number, decision: Decision, };

export type UndoRequest = { 
/**
 * A decision from the caller's recent ones (default: the latest).
 */
decision: number | null, };

export type BulkRequest = { filter: ReviewFilter, 
/**
 * Refuse items whose top confidence is below this unless `force` (default 0.5).
 */
floor: number | null, force: boolean, 
/**
 * Count, write nothing.
 */
dry_run: boolean, };

export type CountsRequest = { 
/**
 * The categories whose counts are wanted (the tree asks for the rows it shows).
 */
keys: Array<string>, };

export type AgentNameRequest = { name: string, };

export type UpdateAgentRequest = { name: string, change: AgentChange, };

export type CredentialsRequest = { name: string, revoke: boolean, };

export type Limits = { search_k_max: number, search_k_default: number, search_candidates_max: number, query_bytes_max: number, find_limit_max: number, audit_limit_max: number, hnsw_ef_search_max: number, review_page_max: number, review_bulk_floor: number, precision_default: number, 
/**
 * Fewest held-out suggestions an auto-accept threshold must keep (the precision dial
 * applies the classifier's own rule).
 */
calibration_min_accepted: number, };

export type ConnectionState = "connecting" | "ready" | "needs_password" | "error";

export type ConnectionKind = "embedded" | "url";

export type ConnectionStatus = { state: ConnectionState, kind: ConnectionKind, 
/**
 * The data directory, or the URL without its password.
 */
description: string, error: string | null, 
/**
 * Something to tell that is not an error (the embedded server had crashed and was recovered).
 */
notice?: string, keyring_available: boolean, keyring_message: string | null, 
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

export type Manifest = { 
/**
 * The application version that wrote the backup.
 */
app_version: string, 
/**
 * The highest migration applied to the backed-up database.
 */
migration_level: number, created_at: string, 
/**
 * The backed-up database's name.
 */
database: string, 
/**
 * The fingerprint of the snapshot that was dumped ([`fingerprint::Fingerprint::digest`]).
 */
fingerprint: string, };

export type BackupReport = { file: string, manifest_file: string, manifest: Manifest, bytes: number, took_ms: number, };

export type RestoreReport = { file: string, 
/**
 * The database restored into.
 */
database: string, migration_level: number, 
/**
 * The restored database's fingerprint equals the manifest's (`None`: no manifest to check).
 */
verified: boolean | null, fingerprint: string, 
/**
 * Agent roles that did not exist on this server and were created (without logins: issue
 * credentials again).
 */
roles_created: Array<string>, took_ms: number, };

export type BackupRequest = { 
/**
 * Where to write the dump (default: the data directory's `backups/`).
 */
file: string | null, };

export type RestoreRequest = { file: string, 
/**
 * A new database on the same server to restore into (the connected one must be empty).
 */
into: string | null, };

export type HealthRequest = { 
/**
 * How many of the slowest statements to list (default 10, at most 100).
 */
statements: number | null, };

export type BackupRecord = { taken_at: string, taken_by: string, 
/**
 * Where the dump was written (on the machine that took it).
 */
file: string, bytes: number, migration_level: number, fingerprint: string, app_version: string, };

export type Health = { checked_at: string, server: Server, database: DatabaseSize, connections: Connections, 
/**
 * `shared_buffers` in bytes: what the vector indexes are compared with.
 */
shared_buffers_bytes: number, vector_indexes: Array<VectorIndex>, 
/**
 * Every table of the schema, largest first.
 */
tables: Array<TableHealth>, statements: StatementStats, last_backup: BackupRecord | null, 
/**
 * Seconds since [`Health::last_backup`] was taken.
 */
last_backup_age_s: number | null, 
/**
 * What needs attention, most important first; empty when all is well.
 */
warnings: Array<Warning>, };

export type Server = { 
/**
 * `server_version`, e.g. "15.10 (Debian 15.10-0+deb12u1)".
 */
version: string, version_num: number, 
/**
 * The extensions installed in this database.
 */
extensions: Array<Extension>, 
/**
 * The settings that size the server, as PostgreSQL shows them.
 */
settings: Array<Setting>, };

export type Extension = { name: string, version: string, 
/**
 * The version the server's packages offer, when newer than the installed one
 * (`ALTER EXTENSION … UPDATE` would take it).
 */
update_available: string | null, };

export type Setting = { name: string, 
/**
 * As `SHOW` prints it, with its unit ("512MB").
 */
value: string, 
/**
 * Where it comes from (`configuration file`, `command line`, `default`, …).
 */
source: string, };

export type Connections = { 
/**
 * Client connections open on the whole server, every database (with sessions hidden from
 * a role without `pg_read_all_stats`, which may include background processes).
 */
in_use: number, 
/**
 * Of those, the ones on this database.
 */
this_database: number, max_connections: number, 
/**
 * Slots only a superuser may take: ordinary clients get `max - reserved`.
 */
reserved: number, 
/**
 * By state (`active`, `idle`, `idle in transaction`, …; `hidden` where this role may not
 * see another role's session).
 */
by_state: Array<StateCount>, };

export type StateCount = { state: string, count: number, };

export type DatabaseSize = { name: string, bytes: number, 
/**
 * The highest migration applied.
 */
migration_level: number, };

export type VectorIndex = { name: string, table: string, 
/**
 * `hnsw` or `ivfflat`.
 */
method: string, bytes: number, 
/**
 * Whether it fits in `shared_buffers` on its own.
 */
fits_in_shared_buffers: boolean, };

export type TableHealth = { name: string, 
/**
 * The planner's estimate of live rows (`n_live_tup`), not a count.
 */
live_rows: number, dead_rows: number, 
/**
 * The table, its TOAST and its indexes.
 */
total_bytes: number, index_bytes: number, 
/**
 * The later of the last manual and the last automatic vacuum.
 */
last_vacuum: string | null, 
/**
 * The later of the last manual and the last automatic analyze.
 */
last_analyze: string | null, };

export type StatementStats = { status: StatementsStatus, 
/**
 * What to do when the status is not `enabled`.
 */
message: string | null, 
/**
 * This database's statements, slowest mean first.
 */
slowest: Array<Statement>, 
/**
 * Of those, how many hide their text (another role's statements, `dtrag_owner` lacking
 * `pg_read_all_stats`).
 */
hidden: number, };

export type StatementsStatus = "enabled" | "not_installed" | "not_loaded" | "no_access";

export type Statement = { 
/**
 * Normalised text (constants replaced by `$n`), shortened to [`QUERY_CHARS`] characters.
 */
query: string, calls: number, mean_ms: number, max_ms: number, total_ms: number, rows: number, };

export type Warning = { 
/**
 * What it is about: `vector_index`, `connections`, `statements`, `backup`, `vacuum`,
 * `analyze`.
 */
subject: string, message: string, 
/**
 * The setting or command that addresses it, when there is one.
 */
fix: string | null, };

export type ErrorKind = "not_found" | "invalid_input" | "cycle" | "conflict" | "busy" | "unavailable" | "unauthorized" | "embedding" | "io" | "internal";

export type CommandError = { kind: ErrorKind, message: string, 
/**
 * For `cycle`: the cycle, child -> parent -> … -> child.
 */
path: Array<string> | null, 
/**
 * For `conflict`: the nodes changed since the draft's base.
 */
keys: Array<string> | null, };

export type CommandName = "connection_status" | "connect" | "forget_connection" | "backup_database" | "restore_database" | "database_health" | "list_versions" | "roots" | "children" | "node_details" | "find_nodes" | "diff_versions" | "preview_edits" | "publish_edits" | "preview_rollback" | "rollback" | "audit_log" | "import_taxonomy" | "preview_import" | "check_taxonomy" | "search" | "embedding_models" | "classify" | "review_stats" | "review_list" | "review_next" | "review_release" | "review_item" | "review_decide" | "review_skip" | "review_undo" | "review_recent" | "review_bulk_accept" | "category_counts" | "agents_list" | "agents_show" | "agents_create" | "agents_update" | "agents_remove" | "agents_search" | "agents_credentials" | "agents_check" | "eval_sets" | "eval_run" | "eval_last";

/** The library's limits (dtrag_core::limits). */
export const LIMITS: Limits = {"search_k_max":1000,"search_k_default":10,"search_candidates_max":5000,"query_bytes_max":4096,"find_limit_max":1000,"audit_limit_max":10000,"hnsw_ef_search_max":1000,"review_page_max":1000,"review_bulk_floor":0.5,"precision_default":0.9,"calibration_min_accepted":30};
