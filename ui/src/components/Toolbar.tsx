// The window's toolbar: version picker, read-only badge and Back to head, Restore, the busy
// indicator and the connection indicator.
import type { ConnectionStatus } from "../bindings";
import type { BusyTask } from "../services";
import type { Versions } from "../hooks/useVersions";
import { VersionPicker } from "./VersionPicker";
import { Progress } from "./Progress";
import { stateText } from "./ConnectionView";

export function Toolbar({
  versions: { versions, selected, select, head, readOnly },
  ready,
  status,
  tasks,
  onRestore,
  onShowConnection,
}: {
  versions: Pick<Versions, "versions" | "selected" | "select" | "head" | "readOnly">;
  ready: boolean;
  status: ConnectionStatus | null;
  tasks: readonly BusyTask[];
  onRestore(version: number): void;
  onShowConnection(): void;
}) {
  return (
    <header className="toolbar">
      <span className="app-title">DT-RAG Studio</span>
      <VersionPicker versions={versions} value={selected} onChange={select} />
      {readOnly && (
        <>
          <span className="badge readonly" data-testid="readonly-badge">
            read-only: version {selected}
          </span>
          <button type="button" data-testid="go-head" onClick={() => select(head)}>
            Back to head
          </button>
        </>
      )}
      <button
        type="button"
        data-testid="rollback-button"
        disabled={!readOnly || !ready}
        title={readOnly ? `Publish a new version equal to v${selected}` : "Select an older version to restore it"}
        onClick={() => selected !== null && onRestore(selected)}
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
        onClick={onShowConnection}
      >
        <span className={`conn-dot state-${status?.state ?? "unknown"}`} /> {status?.kind === "url" ? "PostgreSQL" : "Embedded"}:{" "}
        {stateText(status)}
      </button>
    </header>
  );
}
