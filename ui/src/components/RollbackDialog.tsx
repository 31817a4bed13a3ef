// Restore an old version: preview (dry run) first, then a message and an explicit confirmation.
import { useEffect, useState } from "react";
import type { CommandError, RollbackOutcome } from "../bindings";
import * as api from "../api";
import { formatMs } from "../format";
import { useServices } from "../services";
import { Modal } from "./Modal";
import { DiffLists, DiffSummary } from "./DiffLists";
import { AgentScopeSummary } from "./AgentScopeSummary";
import { ImpactSummary } from "./ImpactSummary";
import { totalChanges } from "../diffView";

export function RollbackDialog({ to, onClose, onDone }: { to: number; onClose(): void; onDone(outcome: RollbackOutcome): void }) {
  const { run } = useServices();
  const [preview, setPreview] = useState<RollbackOutcome | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const [message, setMessage] = useState(`Restore version ${to}`);
  const [result, setResult] = useState<RollbackOutcome | null>(null);
  const [working, setWorking] = useState(false);

  useEffect(() => {
    let live = true;
    run(`Previewing the restore of v${to}…`, () => api.previewRollback(to)).then(
      (o) => live && setPreview(o),
      (e: unknown) => live && setError(api.toCommandError(e)),
    );
    return () => {
      live = false;
    };
  }, [to, run]);

  async function confirm() {
    setWorking(true);
    setError(null);
    try {
      const o = await run("Rolling back…", () => api.rollback(to, message.trim()));
      setResult(o);
      onDone(o);
    } catch (e) {
      setError(api.toCommandError(e));
    } finally {
      setWorking(false);
    }
  }

  const nothing = preview !== null && totalChanges(preview.diff.summary) === 0;

  return (
    <Modal title={`Restore version ${to}`} onClose={onClose} testId="rollback-dialog">
      {error && (
        <p className="error-inline" role="alert" data-testid="rollback-error">
          {error.message}
        </p>
      )}
      {result ? (
        <>
          <p className="result" data-testid="rollback-time">
            {result.version !== null
              ? `Restored version ${result.restored} as version ${result.version} in ${formatMs(result.elapsed_ms)}`
              : `Nothing to restore: the head already equals version ${result.restored}`}
          </p>
          <div className="modal-buttons">
            <button type="button" className="primary" data-testid="rollback-close" onClick={onClose}>
              Close
            </button>
          </div>
        </>
      ) : (
        <>
          {!preview && !error && <p className="muted">Computing what the restore changes…</p>}
          {preview && (
            <div className="rollback-preview" data-testid="rollback-preview">
              <p>
                Publishes a new version equal to v{preview.restored} on top of head v{preview.head_before}; history is kept and
                this can itself be rolled back.
              </p>
              <DiffSummary diff={preview.diff} testId="rollback-summary" />
              <ImpactSummary impact={preview.diff.impact} preview testId="rollback-impact" />
              <AgentScopeSummary changes={preview.diff.agent_scopes} testId="rollback-agents" />
              <div className="scroll-box">
                <DiffLists diff={preview.diff} />
              </div>
            </div>
          )}
          <label className="col-form">
            Message
            <input data-testid="rollback-message" value={message} onChange={(e) => setMessage(e.target.value)} disabled={working} />
          </label>
          <div className="modal-buttons">
            <button
              type="button"
              className="danger"
              data-testid="rollback-confirm"
              disabled={!preview || nothing || working || message.trim() === ""}
              onClick={confirm}
            >
              {working ? "Rolling back…" : `Restore version ${to}`}
            </button>
            <button type="button" data-testid="rollback-cancel" onClick={onClose} disabled={working}>
              Cancel
            </button>
          </div>
          {nothing && <p className="muted">The head already equals version {to}: nothing to restore.</p>}
        </>
      )}
    </Modal>
  );
}
