// The connected database's health (`dtrag db health` in the app): what needs attention first, then
// the figures it is judged on: connections, vector indexes against shared_buffers, the slowest
// statements, and per-table dead rows and maintenance.
import { useCallback, useEffect, useState } from "react";
import type { CommandError, Health } from "../bindings";
import { formatDateTime, formatMs } from "../format";

export type OnHealth = () => Promise<Health>;

const MB = 1024 * 1024;

export function megabytes(bytes: number): string {
  return `${(bytes / MB).toFixed(1)} MB`;
}

/** "45 s ago", "12 min ago", "3 h ago", "4 days ago". */
export function ageText(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s ago`;
  if (seconds < 7_200) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 172_800) return `${Math.round(seconds / 3_600)} h ago`;
  return `${Math.round(seconds / 86_400)} days ago`;
}

export function connectionsText(h: Health): string {
  const c = h.connections;
  const states = c.by_state.map((s) => `${s.count} ${s.state}`).join(", ");
  return `${c.in_use} of ${c.max_connections} in use (${c.reserved} reserved), ${c.this_database} on this database${states ? `: ${states}` : ""}`;
}

export function backupText(h: Health): string {
  if (!h.last_backup || h.last_backup_age_s === null) return "none recorded";
  return `${ageText(h.last_backup_age_s)} by ${h.last_backup.taken_by}: ${h.last_backup.file}`;
}

function Figures({ health }: { health: Health }) {
  const extensions = health.server.extensions
    .map((e) => (e.update_available ? `${e.name} ${e.version} (update to ${e.update_available})` : `${e.name} ${e.version}`))
    .join(", ");
  return (
    <dl className="health-figures" data-testid="health-figures">
      <dt>Server</dt>
      <dd data-testid="health-server">PostgreSQL {health.server.version}</dd>
      <dt>Extensions</dt>
      <dd data-testid="health-extensions">{extensions || "none"}</dd>
      <dt>Database</dt>
      <dd data-testid="health-database">
        {health.database.name} · {megabytes(health.database.bytes)} · migration {health.database.migration_level}
      </dd>
      <dt>Connections</dt>
      <dd data-testid="health-connections">{connectionsText(health)}</dd>
      <dt>Last backup</dt>
      <dd data-testid="health-backup">{backupText(health)}</dd>
      <dt>Settings</dt>
      <dd data-testid="health-settings">{health.server.settings.map((s) => `${s.name}=${s.value}`).join(" ")}</dd>
    </dl>
  );
}

function VectorIndexes({ health }: { health: Health }) {
  return (
    <>
      <h4>Vector indexes (shared_buffers {megabytes(health.shared_buffers_bytes)})</h4>
      {health.vector_indexes.length === 0 ? (
        <p className="muted">none</p>
      ) : (
        <table className="eval-table" data-testid="health-indexes">
          <tbody>
            {health.vector_indexes.map((i) => (
              <tr key={i.name} data-testid="health-index" data-fits={i.fits_in_shared_buffers}>
                <td>{i.name}</td>
                <td>{i.method}</td>
                <td>{megabytes(i.bytes)}</td>
                <td>{i.fits_in_shared_buffers ? "fits" : "does not fit"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function Statements({ health }: { health: Health }) {
  const s = health.statements;
  return (
    <>
      <h4>Slowest statements</h4>
      {s.status !== "enabled" ? (
        <p className="muted" data-testid="health-statements-off">
          {s.message ?? s.status}
        </p>
      ) : s.slowest.length === 0 ? (
        <p className="muted">none recorded yet</p>
      ) : (
        <table className="eval-table health-statements" data-testid="health-statements">
          <thead>
            <tr>
              <th>statement</th>
              <th>calls</th>
              <th>mean</th>
              <th>max</th>
              <th>rows</th>
            </tr>
          </thead>
          <tbody>
            {s.slowest.map((st, n) => (
              <tr key={n} data-testid="health-statement">
                <td className="health-query" title={st.query}>
                  {st.query}
                </td>
                <td>{st.calls}</td>
                <td>{formatMs(st.mean_ms)}</td>
                <td>{formatMs(st.max_ms)}</td>
                <td>{st.rows}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {s.hidden > 0 && <p className="muted">{s.hidden} statement(s) of other roles hidden</p>}
    </>
  );
}

function Tables({ health }: { health: Health }) {
  const when = (t: string | null) => (t === null ? "never" : formatDateTime(t));
  return (
    <details>
      <summary>Tables ({health.tables.length})</summary>
      <table className="eval-table" data-testid="health-tables">
        <thead>
          <tr>
            <th>table</th>
            <th>live rows</th>
            <th>dead</th>
            <th>total</th>
            <th>indexes</th>
            <th>vacuumed</th>
            <th>analyzed</th>
          </tr>
        </thead>
        <tbody>
          {health.tables.map((t) => (
            <tr key={t.name} data-testid="health-table" data-name={t.name}>
              <td>{t.name}</td>
              <td>{t.live_rows}</td>
              <td>{t.dead_rows}</td>
              <td>{megabytes(t.total_bytes)}</td>
              <td>{megabytes(t.index_bytes)}</td>
              <td>{when(t.last_vacuum)}</td>
              <td>{when(t.last_analyze)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

/** Loads when first shown with a database ready, and again on "Refresh". */
export function HealthPanel({ disabled, onHealth }: { disabled: boolean; onHealth: OnHealth }) {
  const [health, setHealth] = useState<Health | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      setHealth(await onHealth());
    } catch (e) {
      setError((e as CommandError).message ?? String(e));
    } finally {
      setLoading(false);
    }
  }, [onHealth]);

  useEffect(() => {
    if (!disabled) void refresh();
    // Only when the database becomes ready; later loads are the user's to ask for.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [disabled]);

  return (
    <div className="health-panel" data-testid="health-panel">
      <h3>
        Health{" "}
        <button type="button" data-testid="health-refresh" disabled={disabled || loading} onClick={() => void refresh()}>
          {loading ? "Checking…" : "Refresh"}
        </button>
      </h3>
      {error && (
        <p className="error-inline" data-testid="health-error">
          {error}
        </p>
      )}
      {health && (
        <>
          <p className="muted" data-testid="health-checked">
            checked {formatDateTime(health.checked_at)}
          </p>
          {health.warnings.length === 0 ? (
            <p data-testid="health-ok">No warnings.</p>
          ) : (
            <ul className="health-warnings" data-testid="health-warnings">
              {health.warnings.map((w, n) => (
                <li key={n} data-testid="health-warning" data-subject={w.subject}>
                  {w.message}
                  {w.fix && (
                    <>
                      {" "}
                      <code data-testid="health-fix">{w.fix}</code>
                    </>
                  )}
                </li>
              ))}
            </ul>
          )}
          <Figures health={health} />
          <VectorIndexes health={health} />
          <Statements health={health} />
          <Tables health={health} />
        </>
      )}
    </div>
  );
}
