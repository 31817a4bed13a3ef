// The audit log, newest first, with filters.
import { useCallback, useEffect, useState } from "react";
import { LIMITS, type AuditEntry } from "../bindings";
import * as api from "../api";
import { formatDateTime } from "../format";
import { useServices } from "../services";

/** The message of an entry (details.message), or a short rendering of the details. */
export function auditMessage(details: AuditEntry["details"]): string {
  if (details && typeof details === "object" && !Array.isArray(details)) {
    const m = (details as Record<string, unknown>).message;
    if (typeof m === "string") return m;
  }
  if (details === null || details === undefined) return "";
  const s = JSON.stringify(details);
  return s === "{}" ? "" : s.length > 160 ? s.slice(0, 157) + "…" : s;
}

export function AuditView({ refreshKey, head, onRestore }: { refreshKey: number; head: number | null; onRestore(version: number): void }) {
  const { run, report } = useServices();
  const [actor, setActor] = useState("");
  const [action, setAction] = useState("");
  const [limit, setLimit] = useState(200);
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);

  const load = useCallback(() => {
    run("Loading the audit log…", () => api.auditLog(actor.trim() || null, action.trim() || null, limit)).then(setEntries, report);
  }, [actor, action, limit, run, report]);

  // Reload on open and after every publish; the filters apply on submit.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(load, [refreshKey]);

  return (
    <div className="panel audit-panel" data-testid="audit-panel">
      <form
        className="toolbar-row"
        onSubmit={(e) => {
          e.preventDefault();
          load();
        }}
      >
        <label>
          Actor <input data-testid="audit-actor" value={actor} onChange={(e) => setActor(e.target.value)} size={12} />
        </label>
        <label>
          Action prefix <input data-testid="audit-action" value={action} placeholder="taxonomy." onChange={(e) => setAction(e.target.value)} size={14} />
        </label>
        <label>
          Limit{" "}
          <input
            data-testid="audit-limit"
            type="number"
            min={1}
            max={LIMITS.audit_limit_max}
            value={limit}
            onChange={(e) => setLimit(Math.max(1, Number(e.target.value) || 1))}
            className="narrow"
          />
        </label>
        <button type="submit" data-testid="audit-refresh">
          Apply
        </button>
      </form>
      {entries === null ? (
        <p className="muted">Loading…</p>
      ) : entries.length === 0 ? (
        <p className="muted">No entries.</p>
      ) : (
        <table className="audit-table">
          <thead>
            <tr>
              <th>Time</th>
              <th>Actor</th>
              <th>Action</th>
              <th>Version</th>
              <th>Message</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id} data-testid="audit-row" data-action={e.action}>
                <td className="nowrap">{formatDateTime(e.at)}</td>
                <td>{e.actor}</td>
                <td className="nowrap">{e.action}</td>
                <td>{e.version === null ? "" : `v${e.version}`}</td>
                <td className="msg">{auditMessage(e.details)}</td>
                <td>
                  {e.version !== null && e.version !== head && (
                    <button type="button" className="small" data-testid="audit-restore" onClick={() => onRestore(e.version!)}>
                      Restore this version…
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
