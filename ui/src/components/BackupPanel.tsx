// Backups of the connected database and restores into a new one, with progress (tables).
import { useState } from "react";
import type { BackupReport, CommandError, Progress, RestoreReport } from "../bindings";

export type OnBackup = (file: string | null, onProgress: (p: Progress) => void) => Promise<BackupReport>;
export type OnRestore = (file: string, into: string | null, onProgress: (p: Progress) => void) => Promise<RestoreReport>;

type Outcome = { ok: true; text: string } | { ok: false; text: string };

export function progressText(p: Progress | null): string {
  if (!p) return "";
  const verb = p.stage === "restore" ? "restored" : "backed up";
  return `${verb} ${p.done} / ${p.total} tables`;
}

export function restoreText(r: RestoreReport): string {
  const verified =
    r.verified === true ? "fingerprint verified" : r.verified === false ? "fingerprint differs" : "not verified (no manifest beside the backup)";
  const roles = r.roles_created.length > 0 ? `; ${r.roles_created.length} agent role(s) created without logins: issue credentials again` : "";
  return `Restored into ${r.database} (migration ${r.migration_level}): ${verified}${roles}`;
}

export function BackupPanel({ disabled, onBackup, onRestore }: { disabled: boolean; onBackup: OnBackup; onRestore: OnRestore }) {
  const [file, setFile] = useState("");
  const [restoreFile, setRestoreFile] = useState("");
  const [into, setInto] = useState("");
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  async function run(work: () => Promise<string>) {
    setRunning(true);
    setOutcome(null);
    setProgress(null);
    try {
      setOutcome({ ok: true, text: await work() });
    } catch (e) {
      setOutcome({ ok: false, text: (e as CommandError).message ?? String(e) });
    } finally {
      setRunning(false);
    }
  }

  const backup = () =>
    run(async () => {
      const r = await onBackup(file.trim() === "" ? null : file.trim(), setProgress);
      return `Backed up ${r.manifest.database} (migration ${r.manifest.migration_level}) to ${r.file} in ${(r.took_ms / 1000).toFixed(1)} s`;
    });
  const restore = () =>
    run(async () => restoreText(await onRestore(restoreFile.trim(), into.trim() === "" ? null : into.trim(), setProgress)));

  return (
    <div className="col-form backup-panel" data-testid="backup-panel">
      <h3>Backup and restore</h3>
      <label>
        Backup file (empty: the data directory's backups folder)
        <input data-testid="backup-file" value={file} onChange={(e) => setFile(e.target.value)} spellCheck={false} />
      </label>
      <div className="buttons">
        <button type="button" data-testid="backup-button" disabled={disabled || running} onClick={backup}>
          Back up now
        </button>
      </div>
      <label>
        Restore from
        <input data-testid="restore-file" value={restoreFile} onChange={(e) => setRestoreFile(e.target.value)} spellCheck={false} />
      </label>
      <label>
        Into a new database (empty: the connected one, which must be empty)
        <input data-testid="restore-into" value={into} onChange={(e) => setInto(e.target.value)} spellCheck={false} />
      </label>
      <div className="buttons">
        <button type="button" data-testid="restore-button" disabled={disabled || running || restoreFile.trim() === ""} onClick={restore}>
          Restore
        </button>
      </div>
      {running && (
        <p className="muted" role="status" data-testid="backup-progress">
          {progressText(progress) || "starting…"}
        </p>
      )}
      {outcome && (
        <p className={outcome.ok ? "muted" : "error-inline"} data-testid={outcome.ok ? "backup-outcome" : "backup-error"}>
          {outcome.text}
        </p>
      )}
    </div>
  );
}
