/*
 * DT-RAG Studio — the main window.
 *
 * Stable data-testid attributes (end-to-end tests rely on these; keep them):
 *   toolbar:      version-select, readonly-badge, go-head, rollback-button, connection-indicator,
 *                 progress (busy indicator, after 150 ms)
 *   errors:       error-banner (data-kind), error-path (cycle), error-keys (conflict), error-dismiss
 *   tree:         find-input, find-input-hits, find-hit (data-key), tree,
 *                 tree-row (data-key, data-depth, data-row-id, data-change), tree-toggle,
 *                 multi-parent ("⋔ N"), rename-input (F2)
 *   tabs:         tab-details, tab-search, tab-diff, tab-draft, tab-history, tab-connection
 *   details:      details, details-label, details-key, details-parent, details-paths, remove-parent,
 *                 edit-label, edit-description, edit-alt-labels, parent-find, add-as-parent,
 *                 move-here, merge-into, new-child-key, new-child-label, delete-node
 *   diff:         diff-panel, diff-from, diff-to, diff-summary, diff-added|removed|renamed|moved|edited,
 *                 diff-entry (data-kind, data-key), word-diff, alt-change
 *   draft:        draft-panel, draft-list, draft-op (data-op), undo-button, discard-button,
 *                 draft-preview, preview-summary, preview-error, draft-failure, cycle-path,
 *                 conflict-keys, rebase-button, publish-message, publish-button
 *   delete:       confirm-dialog, delete-cascade, confirm-cancel
 *   rollback:     rollback-dialog, rollback-preview, rollback-summary, rollback-message,
 *                 rollback-confirm, rollback-cancel, rollback-time, rollback-error, rollback-close
 *   search:       search-panel, search-query, search-button, search-busy, search-mode,
 *                 search-mode-hybrid|bm25|vector, search-weight-bm25, search-weight-vector, search-k,
 *                 search-no-vectors, search-partial-vectors, search-scope, scope-chip (data-key),
 *                 scope-remove, scope-add-selected, scope-find, scope-find-hits, search-hint,
 *                 search-meta, search-count, search-timing, search-model, search-scope-size,
 *                 search-empty, search-results, search-hit (data-document, data-rank,
 *                 aria-selected), search-hit-title, search-hit-doc, search-hit-score,
 *                 search-hit-text (<mark> = matching words), search-hit-category (data-key),
 *                 search-hit-why
 *   history:      audit-panel, audit-actor, audit-action, audit-limit, audit-refresh, audit-row,
 *                 audit-restore
 *   connection:   connection-panel, connection-kind, connection-state, connection-error, connect-url,
 *                 connect-password, remember-password, keyring-message, connect-button, use-embedded,
 *                 password-prompt, prompt-password, prompt-connect
 *   status bar:   status-bar, status-connection, status-head, status-selected, status-message,
 *                 status-last-call
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { CommandError, ConnectRequest, ConnectionStatus, Diff, EditOp, FindHit, RollbackOutcome, Version } from "./bindings";
import * as api from "./api";
import { addOps, describeOp, discard, draftOps, emptyDraft, pendingLabels, rebase, touchedKeys, undoLast, type Draft } from "./draft";
import { changeKinds } from "./diffView";
import { formatMs } from "./format";
import { type BusyTask, isTextField, ServicesContext, type Services } from "./services";
import { ancestorsToExpand, flatten, rowId, type Row } from "./tree/flatten";
import { useTreeData } from "./tree/useTreeData";
import { Tree } from "./components/Tree";
import { FindBox } from "./components/FindBox";
import { VersionPicker } from "./components/VersionPicker";
import { NodeDetails } from "./components/NodeDetails";
import { DiffPanel } from "./components/DiffPanel";
import { DraftPanel } from "./components/DraftPanel";
import { RollbackDialog } from "./components/RollbackDialog";
import { AuditView } from "./components/AuditView";
import { SearchView } from "./components/SearchView";
import { ConnectionView, PasswordPrompt, stateText } from "./components/ConnectionView";
import { ImportForm } from "./components/ImportForm";
import { ErrorBanner } from "./components/ErrorBanner";
import { Progress } from "./components/Progress";
import { StatusBar } from "./components/StatusBar";
import { ConfirmDialog } from "./components/Modal";

type Tab = "details" | "search" | "diff" | "draft" | "history" | "connection";
const TABS: { id: Tab; label: string }[] = [
  { id: "details", label: "Details" },
  { id: "search", label: "Search" },
  { id: "diff", label: "Diff" },
  { id: "draft", label: "Draft" },
  { id: "history", label: "History" },
  { id: "connection", label: "Connection" },
];

/** Failures of a publish that belong to the draft (it is kept, and they are shown with it). */
const DRAFT_FAILURES = ["conflict", "cycle", "invalid", "not_found", "bad_input"];

function headOf(versions: readonly Version[]): number | null {
  let h: number | null = null;
  for (const v of versions) if (h === null || v.version > h) h = v.version;
  return h;
}

export function App() {
  // --- shell services: busy indicator, errors, timings -------------------------------------
  const [tasks, setTasks] = useState<BusyTask[]>([]);
  const [lastCall, setLastCall] = useState<string | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const [statusMessage, setStatusMessage] = useState<string | null>(null);
  const nextTask = useRef(1);

  const run = useCallback(async <T,>(label: string, fn: () => Promise<T>): Promise<T> => {
    const id = nextTask.current++;
    const t0 = performance.now();
    setTasks((ts) => [...ts, { id, label, started: Date.now() }]);
    try {
      return await fn();
    } finally {
      setTasks((ts) => ts.filter((t) => t.id !== id));
      setLastCall(`${label.replace(/…$/, "")}: ${formatMs(performance.now() - t0)}`);
    }
  }, []);
  const report = useCallback((e: unknown) => setError(api.toCommandError(e)), []);
  const services = useMemo<Services>(() => ({ run, report }), [run, report]);

  // --- connection and versions ---------------------------------------------------------------
  const [status, setStatus] = useState<ConnectionStatus | null>(null);
  const [connEpoch, setConnEpoch] = useState(0);
  const [versions, setVersions] = useState<Version[]>([]);
  const [selected, setSelected] = useState<number | null>(null);
  const [tab, setTab] = useState<Tab>("details");
  const [visited, setVisited] = useState<ReadonlySet<Tab>>(new Set<Tab>(["details"]));
  const head = headOf(versions);
  const ready = status?.state === "ready";
  const readOnly = selected !== null && head !== null && selected !== head;
  const editable = ready && selected !== null && !readOnly;

  const openTab = useCallback((t: Tab) => {
    setTab(t);
    setVisited((v) => (v.has(t) ? v : new Set(v).add(t)));
  }, []);

  // Poll the status while the shell is connecting (the embedded database may be starting).
  const connecting = status === null || status.state === "connecting";
  useEffect(() => {
    if (!connecting) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = () => {
      api.connectionStatus().then(
        (s) => {
          if (!live) return;
          setStatus(s);
          if (s.state === "connecting") timer = setTimeout(poll, 400);
          else if (s.state === "error") {
            setError({ kind: "connection", message: s.error ?? "could not connect to the database", path: null, keys: null });
            openTab("connection");
          }
        },
        (e: unknown) => {
          if (!live) return;
          report(e);
          timer = setTimeout(poll, 2000);
        },
      );
    };
    poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [connecting, report, openTab]);

  const loadVersions = useCallback(
    async (select?: number | "head"): Promise<Version[]> => {
      const vs = await run("Loading versions…", () => api.listVersions());
      setVersions(vs);
      const h = headOf(vs);
      if (select === "head") setSelected(h);
      else if (typeof select === "number") setSelected(select);
      else setSelected((s) => (s !== null && vs.some((v) => v.version === s) ? s : h));
      return vs;
    },
    [run],
  );

  useEffect(() => {
    if (ready) loadVersions("head").catch(report);
  }, [ready, connEpoch, loadVersions, report]);

  // --- tree --------------------------------------------------------------------------------
  const tree = useTreeData(selected, run);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [detailsKey, setDetailsKey] = useState<string | null>(null);
  const [scrollRequest, setScrollRequest] = useState(0);
  const labels = useRef(new Map<string, string>());
  const labelOf = useCallback((key: string) => labels.current.get(key) ?? key, []);

  useEffect(() => {
    if (selected !== null && ready) tree.loadRoots(selected).catch(report);
  }, [selected, ready, tree, report]);

  const rows = useMemo(() => {
    if (!tree.roots) return [];
    const r = flatten({ roots: tree.roots, children: tree.children, expanded });
    for (const row of r) labels.current.set(row.key, row.label);
    return r;
  }, [tree.roots, tree.children, expanded]);

  // Expanded rows whose children are not loaded (after expanding, or after switching versions).
  useEffect(() => {
    if (selected === null) return;
    for (const row of rows) {
      if (!row.loading) continue;
      tree.loadChildren(selected, row.key).catch((e: unknown) => {
        report(e);
        setExpanded((ex) => {
          const n = new Set(ex);
          n.delete(row.id);
          return n;
        });
      });
    }
  }, [rows, selected, tree, report]);

  const onToggle = useCallback((row: Row, expand: boolean) => {
    setExpanded((ex) => {
      const n = new Set(ex);
      if (expand) n.add(row.id);
      else n.delete(row.id);
      return n;
    });
  }, []);

  const onSelectRow = useCallback((row: Row) => {
    setSelectedId(row.id);
    setDetailsKey(row.key);
  }, []);

  /** Shows `key` in the tree (expanding along a path to it) and in the details. */
  const reveal = useCallback(
    async (key: string, showDetails = true) => {
      setDetailsKey(key);
      if (showDetails) openTab("details");
      if (selected === null) return;
      try {
        const d = await run("Finding the node in the tree…", () => api.nodeDetails(selected, key));
        labels.current.set(d.key, d.label);
        const paths = d.paths.length > 0 ? d.paths : [[key]];
        // Prefer the path that is already the most expanded.
        let best = paths[0];
        let bestScore = -1;
        for (const p of paths) {
          const score = ancestorsToExpand(p).filter((id) => expanded.has(id)).length;
          if (score > bestScore) {
            best = p;
            bestScore = score;
          }
        }
        await tree.loadRoots(selected);
        for (let i = 0; i < best.length - 1; i++) await tree.loadChildren(selected, best[i]);
        setExpanded((ex) => {
          const n = new Set(ex);
          for (const id of ancestorsToExpand(best)) n.add(id);
          return n;
        });
        setSelectedId(rowId(best));
        setScrollRequest((x) => x + 1);
      } catch (e) {
        report(e);
      }
    },
    [selected, run, report, tree, expanded, openTab],
  );

  // --- draft -------------------------------------------------------------------------------
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [message, setMessage] = useState("");
  const [failure, setFailure] = useState<CommandError | null>(null);
  const [publishing, setPublishing] = useState(false);
  const [previewShown, setPreviewShown] = useState<Diff | null>(null);
  const [diffShown, setDiffShown] = useState<Diff | null>(null);
  const [confirmDelete, setConfirmDelete] = useState<{ key: string; label: string; childCount: number } | null>(null);

  const readOnlyError = useCallback(
    () =>
      report({
        kind: "invalid",
        message:
          selected !== null && head !== null && selected !== head
            ? `read-only: version ${selected} is not the head; switch to v${head} to edit`
            : "not connected to a database",
        path: null,
        keys: null,
      }),
    [report, selected, head],
  );

  const addToDraft = useCallback(
    (ops: EditOp[]) => {
      if (!editable || head === null) return readOnlyError();
      if (ops.length === 0) return;
      setDraft((d) => addOps(d, ops, head));
      setFailure(null);
      setStatusMessage(`Draft: ${ops.map((op) => describeOp(op, labelOf)).join("; ")}`);
    },
    [editable, head, readOnlyError, labelOf],
  );

  const requestDelete = useCallback(
    (key: string, label: string, childCount: number) => {
      if (!editable) return readOnlyError();
      if (childCount > 0) setConfirmDelete({ key, label, childCount });
      else addToDraft([{ op: "delete", key, cascade: false }]);
    },
    [editable, readOnlyError, addToDraft],
  );

  const onDropRow = useCallback(
    (dragged: Row, target: Row) => {
      if (!editable) return readOnlyError();
      if (target.id.split("\u001f").includes(dragged.key)) {
        report({
          kind: "cycle",
          message: `“${target.label}” is under “${dragged.label}”: it cannot become its parent`,
          path: [target.key, dragged.key, target.key],
          keys: null,
        });
        return;
      }
      if (dragged.parentKey === target.key) {
        setStatusMessage(`“${dragged.label}” is already under “${target.label}”`);
        return;
      }
      const ops: EditOp[] = [{ op: "add_parent", key: dragged.key, parent: target.key }];
      if (dragged.parentKey !== null) ops.push({ op: "remove_parent", key: dragged.key, parent: dragged.parentKey });
      addToDraft(ops);
    },
    [editable, readOnlyError, report, addToDraft],
  );

  const undo = useCallback(() => {
    setDraft(undoLast);
    setFailure(null);
  }, []);

  const publish = useCallback(async () => {
    if (draft.entries.length === 0 || draft.base === null || publishing) return;
    if (!editable) return readOnlyError();
    setPublishing(true);
    setFailure(null);
    try {
      const base = draft.base;
      const p = await run("Publishing…", () => api.publishEdits(base, draftOps(draft), message.trim()));
      setDraft(discard);
      setMessage("");
      await loadVersions("head");
      setAuditKey((k) => k + 1);
      setStatusMessage(
        p.version !== null ? `Published version ${p.version} in ${formatMs(p.elapsed_ms)}` : "Nothing changed: no version was published",
      );
    } catch (e) {
      const ce = api.toCommandError(e);
      if (DRAFT_FAILURES.includes(ce.kind)) {
        setFailure(ce);
        openTab("draft");
      }
      report(ce);
      if (ce.kind === "conflict") loadVersions().catch(() => undefined);
    } finally {
      setPublishing(false);
    }
  }, [draft, publishing, editable, readOnlyError, run, message, loadVersions, report, openTab]);

  const rebaseDraft = useCallback(async () => {
    try {
      const vs = await loadVersions("head");
      const h = headOf(vs);
      if (h !== null) setDraft((d) => rebase(d, h));
      setFailure(null);
      setError(null);
    } catch (e) {
      report(e);
    }
  }, [loadVersions, report]);

  // Ctrl+Z (outside text fields) and Ctrl+Enter anywhere.
  const keys = useRef({ publish, undo });
  keys.current = { publish, undo };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if (!mod) return;
      if (e.key === "Enter") {
        e.preventDefault();
        void keys.current.publish();
      } else if ((e.key === "z" || e.key === "Z") && !e.shiftKey && !isTextField(document.activeElement)) {
        e.preventDefault();
        keys.current.undo();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  // --- rollback, history, connection --------------------------------------------------------
  const [rollbackTo, setRollbackTo] = useState<number | null>(null);
  const [auditKey, setAuditKey] = useState(0);

  const onRolledBack = useCallback(
    (o: RollbackOutcome) => {
      setStatusMessage(
        o.version !== null
          ? `Restored version ${o.restored} as version ${o.version} in ${formatMs(o.elapsed_ms)}`
          : `Nothing to restore: the head already equals version ${o.restored}`,
      );
      setAuditKey((k) => k + 1);
      loadVersions("head").catch(report);
    },
    [loadVersions, report],
  );

  const afterConnect = useCallback(
    (s: ConnectionStatus) => {
      setStatus(s);
      tree.clear();
      setVersions([]);
      setSelected(null);
      setExpanded(new Set());
      setSelectedId(null);
      setDetailsKey(null);
      setDiffShown(null);
      setConnEpoch((x) => x + 1);
      setAuditKey((k) => k + 1);
      if (s.state === "error") setError({ kind: "connection", message: s.error ?? "could not connect", path: null, keys: null });
      else if (s.state === "ready") {
        setError(null);
        setStatusMessage(`Connected to ${s.kind === "embedded" ? "the embedded database" : s.description}`);
      }
    },
    [tree],
  );

  const connect = useCallback(
    (req: ConnectRequest) => {
      run(req.url ? "Connecting…" : "Starting the embedded database…", () => api.connect(req)).then(afterConnect, report);
    },
    [run, afterConnect, report],
  );
  const importFile = useCallback(
    (path: string, message: string) =>
      run("Importing…", () => api.importTaxonomy(path, message)).then(
        (p) => {
          if (p.version !== null) {
            tree.clear();
            setAuditKey((k) => k + 1);
            loadVersions("head").catch(report);
          }
          return p;
        },
        (e: unknown) => {
          report(e);
          return null;
        },
      ),
    [run, tree, loadVersions, report],
  );
  const switchToEmbedded = useCallback(() => {
    run("Starting the embedded database…", () => api.forgetConnection()).then(afterConnect, report);
  }, [run, afterConnect, report]);

  // --- derived view state -------------------------------------------------------------------
  const highlightDiff = tab === "draft" ? previewShown : diffShown;
  const highlight = useMemo(() => changeKinds(highlightDiff), [highlightDiff]);
  const pending = useMemo(() => pendingLabels(draft), [draft]);
  const touched = useMemo(() => touchedKeys(draft), [draft]);
  const onFindPick = useCallback((hit: FindHit) => {
    labels.current.set(hit.key, hit.label);
    void reveal(hit.key);
  }, [reveal]);
  const connectingBusy = tasks.some((t) => t.label.startsWith("Connecting") || t.label.startsWith("Starting"));

  return (
    <ServicesContext.Provider value={services}>
      <div className="app">
        <header className="toolbar">
          <span className="app-title">DT-RAG Studio</span>
          <VersionPicker versions={versions} value={selected} onChange={setSelected} />
          {readOnly && (
            <>
              <span className="badge readonly" data-testid="readonly-badge">
                read-only: version {selected}
              </span>
              <button type="button" data-testid="go-head" onClick={() => setSelected(head)}>
                Back to head
              </button>
            </>
          )}
          <button
            type="button"
            data-testid="rollback-button"
            disabled={!readOnly || !ready}
            title={readOnly ? `Publish a new version equal to v${selected}` : "Select an older version to restore it"}
            onClick={() => selected !== null && setRollbackTo(selected)}
          >
            Restore this version…
          </button>
          <span className="spacer" />
          <Progress tasks={tasks} />
          <button
            type="button"
            className="connection-indicator"
            data-testid="connection-indicator"
            data-state={status?.state ?? "unknown"}
            title={status?.description}
            onClick={() => openTab("connection")}
          >
            <span className={`conn-dot state-${status?.state ?? "unknown"}`} /> {status?.kind === "url" ? "PostgreSQL" : "Embedded"}:{" "}
            {stateText(status)}
          </button>
        </header>
        <ErrorBanner error={error} onDismiss={() => setError(null)} />
        <main className="main">
          <aside className="left">
            <FindBox version={selected} onPick={onFindPick} />
            <Tree
              rows={rows}
              selectedId={selectedId}
              onSelect={onSelectRow}
              onToggle={onToggle}
              onOpen={(row) => {
                onSelectRow(row);
                openTab("details");
              }}
              editable={editable}
              onRename={(row, label) => addToDraft([{ op: "rename", key: row.key, label }])}
              onDelete={(row) => requestDelete(row.key, row.label, row.childCount)}
              onDropRow={onDropRow}
              onReadOnly={readOnlyError}
              highlight={highlight}
              pendingLabels={pending}
              touched={touched}
              scrollRequest={scrollRequest}
              loading={ready && selected !== null && tree.roots === null}
              emptyText={ready ? undefined : "Not connected."}
            />
          </aside>
          <section className="right">
            <nav className="tabs" role="tablist">
              {TABS.map((t) => (
                <button
                  key={t.id}
                  type="button"
                  role="tab"
                  aria-selected={tab === t.id}
                  className={tab === t.id ? "tab active" : "tab"}
                  data-testid={`tab-${t.id}`}
                  onClick={() => openTab(t.id)}
                >
                  {t.label}
                  {t.id === "draft" && draft.entries.length > 0 ? ` (${draft.entries.length})` : ""}
                </button>
              ))}
            </nav>
            <div className="tab-body">
              <div hidden={tab !== "details"} className="tab-panel">
                <NodeDetails
                  version={selected}
                  nodeKey={detailsKey}
                  editable={editable}
                  onAddOps={addToDraft}
                  onSelectKey={(k) => void reveal(k)}
                  onDelete={requestDelete}
                />
              </div>
              {visited.has("search") && (
                <div hidden={tab !== "search"} className="tab-panel">
                  <SearchView
                    active={tab === "search" && ready}
                    version={selected}
                    selectedKey={detailsKey}
                    labelOf={labelOf}
                    onSelectKey={(k) => void reveal(k, false)}
                    refreshKey={connEpoch}
                  />
                </div>
              )}
              {visited.has("diff") && (
                <div hidden={tab !== "diff"} className="tab-panel">
                  <DiffPanel versions={versions} selected={selected} head={head} onDiff={setDiffShown} onSelectKey={(k) => void reveal(k)} />
                </div>
              )}
              {visited.has("draft") && (
                <div hidden={tab !== "draft"} className="tab-panel">
                  <DraftPanel
                    draft={draft}
                    head={head}
                    editable={editable}
                    readOnlyReason={readOnly ? `Read-only: viewing version ${selected}. Switch to the head (v${head}) to publish.` : null}
                    message={message}
                    onMessage={setMessage}
                    onUndo={undo}
                    onDiscard={() => {
                      setDraft(discard);
                      setFailure(null);
                    }}
                    onPublish={() => void publish()}
                    onRebase={() => void rebaseDraft()}
                    failure={failure}
                    onPreview={setPreviewShown}
                    onSelectKey={(k) => void reveal(k)}
                    labelOf={labelOf}
                    publishing={publishing}
                  />
                </div>
              )}
              {visited.has("history") && (
                <div hidden={tab !== "history"} className="tab-panel">
                  <AuditView refreshKey={auditKey} head={head} onRestore={setRollbackTo} />
                </div>
              )}
              {visited.has("connection") && (
                <div hidden={tab !== "connection"} className="tab-panel">
                  <ConnectionView key={connEpoch} status={status} onConnect={connect} onEmbedded={switchToEmbedded} busy={connectingBusy} />
                  <ImportForm disabled={status?.state !== "ready"} onImport={importFile} />
                </div>
              )}
            </div>
          </section>
        </main>
        <StatusBar status={status} head={head} selected={selected} message={statusMessage} lastCall={lastCall} draftCount={draft.entries.length} />
        {rollbackTo !== null && <RollbackDialog to={rollbackTo} onClose={() => setRollbackTo(null)} onDone={onRolledBack} />}
        {confirmDelete && (
          <ConfirmDialog
            title={`Delete “${confirmDelete.label}”?`}
            text={
              <p>
                “{confirmDelete.label}” has {confirmDelete.childCount} {confirmDelete.childCount === 1 ? "child" : "children"}. Deleting it
                with cascade also removes its edges to them, and deletes the children left without any parent (and so on down).
              </p>
            }
            actions={[
              {
                label: "Delete with cascade",
                testId: "delete-cascade",
                danger: true,
                onClick: () => {
                  addToDraft([{ op: "delete", key: confirmDelete.key, cascade: true }]);
                  setConfirmDelete(null);
                },
              },
            ]}
            onClose={() => setConfirmDelete(null)}
          />
        )}
        {status?.state === "needs_password" && <PasswordPrompt status={status} onSubmit={connect} onEmbedded={switchToEmbedded} />}
      </div>
    </ServicesContext.Provider>
  );
}
