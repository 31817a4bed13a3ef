// The draft: its operations in words, undo / discard, the preview of what publishing will change,
// the message and Publish. Conflicts and cycles keep the draft.
import { useEffect, useState } from "react";
import type { CommandError, Diff } from "../bindings";
import * as api from "../api";
import { type Draft, describeOp, draftOps } from "../draft";
import { useServices } from "../services";
import { DiffLists, DiffSummary, Legend } from "./DiffLists";
import { AgentScopeSummary } from "./AgentScopeSummary";
import { ImpactSummary } from "./ImpactSummary";

export type DraftPanelProps = {
  draft: Draft;
  head: number | null;
  editable: boolean;
  readOnlyReason: string | null;
  message: string;
  onMessage(m: string): void;
  onUndo(): void;
  onDiscard(): void;
  onPublish(): void;
  onRebase(): void;
  /** The last publish failure that belongs to the draft (conflict / cycle / invalid input / not found). */
  failure: CommandError | null;
  onPreview(diff: Diff | null): void;
  onSelectKey(key: string): void;
  labelOf(key: string): string;
  publishing: boolean;
};

export function DraftPanel(p: DraftPanelProps) {
  const { run } = useServices();
  const [preview, setPreview] = useState<Diff | null>(null);
  const [previewError, setPreviewError] = useState<CommandError | null>(null);
  const { draft, onPreview } = p;
  const empty = draft.entries.length === 0;

  useEffect(() => {
    setPreview(null);
    setPreviewError(null);
    onPreview(null);
    if (draft.entries.length === 0 || draft.base === null) return;
    const base = draft.base;
    const ops = draftOps(draft);
    let live = true;
    const t = setTimeout(() => {
      run("Previewing the draft…", () => api.previewEdits(base, ops)).then(
        (d) => {
          if (!live) return;
          setPreview(d);
          onPreview(d);
        },
        (e: unknown) => live && setPreviewError(api.toCommandError(e)),
      );
    }, 200);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [draft, run, onPreview]);

  const stale = draft.base !== null && p.head !== null && draft.base !== p.head;

  return (
    <div className="panel draft-panel" data-testid="draft-panel">
      <div className="toolbar-row">
        <span>
          {empty ? "The draft is empty." : `${draft.entries.length} operation${draft.entries.length === 1 ? "" : "s"} on v${draft.base}`}
          {stale && <span className="warn"> (head is now v{p.head})</span>}
        </span>
        <span className="spacer" />
        <button type="button" data-testid="undo-button" disabled={empty} onClick={p.onUndo} title="Ctrl+Z">
          Undo last
        </button>
        <button type="button" data-testid="discard-button" disabled={empty} onClick={p.onDiscard}>
          Discard
        </button>
      </div>
      {empty && (
        <p className="muted">
          Edit in the tree (F2 rename, Delete, drag onto another node) or in the Details tab; the changes collect here and are
          published together as one version.
        </p>
      )}
      <ol className="draft-list" data-testid="draft-list">
        {draft.entries.map((e, i) => (
          <li key={i} data-testid="draft-op" data-op={e.op.op}>
            {describeOp(e.op, p.labelOf)}
          </li>
        ))}
      </ol>

      {p.failure && (
        <div className="draft-failure" data-testid="draft-failure" data-kind={p.failure.kind}>
          <p>
            <b>Not published:</b> {p.failure.message}
          </p>
          <FailureDetail
            failure={p.failure}
            base={draft.base}
            head={p.head}
            onSelectKey={p.onSelectKey}
            labelOf={p.labelOf}
            onRebase={p.onRebase}
          />
        </div>
      )}

      {!empty && (
        <section className="preview" data-testid="draft-preview">
          <h3>What publishing changes</h3>
          {previewError && (
            <p className="error-inline" data-testid="preview-error">
              {previewError.message}
              {previewError.path && <> — cycle: {previewError.path.join(" → ")}</>}
            </p>
          )}
          {!preview && !previewError && <p className="muted">Previewing…</p>}
          {preview && (
            <>
              <DiffSummary diff={preview} testId="preview-summary" />
              <ImpactSummary impact={preview.impact} preview testId="preview-impact" />
              <AgentScopeSummary changes={preview.agent_scopes} testId="preview-agents" />
              <Legend />
              <DiffLists diff={preview} onSelectKey={(k) => p.onSelectKey(k)} />
            </>
          )}
        </section>
      )}

      <form
        className="publish-form"
        onSubmit={(e) => {
          e.preventDefault();
          p.onPublish();
        }}
      >
        <label>
          Message
          <textarea
            data-testid="publish-message"
            rows={2}
            placeholder="What changed and why"
            value={p.message}
            onChange={(e) => p.onMessage(e.target.value)}
          />
        </label>
        {p.readOnlyReason && <p className="muted">{p.readOnlyReason}</p>}
        <button type="submit" className="primary" data-testid="publish-button" disabled={empty || !p.editable || p.publishing} title="Ctrl+Enter">
          {p.publishing ? "Publishing…" : "Publish"}
        </button>
      </form>
    </div>
  );
}

/** What a failed publish adds to its message: the cycle, or the conflicting nodes and Rebase. */
function FailureDetail({
  failure,
  base,
  head,
  onSelectKey,
  labelOf,
  onRebase,
}: {
  failure: CommandError;
  base: number | null;
  head: number | null;
  onSelectKey(key: string): void;
  labelOf(key: string): string;
  onRebase(): void;
}) {
  const kind = failure.kind;
  switch (kind) {
    case "cycle":
      return failure.path ? <p data-testid="cycle-path">Cycle: {failure.path.join(" → ")}</p> : null;
    case "conflict":
      return (
        <>
          <p>These nodes were changed since v{base}:</p>
          <ul className="plain" data-testid="conflict-keys">
            {(failure.keys ?? []).map((k) => (
              <li key={k}>
                <button type="button" className="link" onClick={() => onSelectKey(k)}>
                  {labelOf(k)} <span className="key">{k}</span>
                </button>
              </li>
            ))}
          </ul>
          <button type="button" data-testid="rebase-button" onClick={onRebase}>
            Rebase onto head{head !== null ? ` (v${head})` : ""} and preview again
          </button>
        </>
      );
    case "not_found":
    case "invalid_input":
    case "busy":
    case "unavailable":
    case "unauthorized":
    case "embedding":
    case "io":
    case "internal":
      return null;
    default: {
      const unexpected: never = kind;
      return unexpected;
    }
  }
}
