import type { ConnectionStatus } from "../bindings";
import { stateText } from "./ConnectionView";

export function StatusBar({
  status,
  head,
  selected,
  message,
  lastCall,
  draftCount,
}: {
  status: ConnectionStatus | null;
  head: number | null;
  selected: number | null;
  message: string | null;
  lastCall: string | null;
  draftCount: number;
}) {
  return (
    <footer className="status-bar" data-testid="status-bar">
      <span data-testid="status-connection">
        <span className={`conn-dot state-${status?.state ?? "unknown"}`} /> {status?.kind === "url" ? "PostgreSQL" : "embedded"}: {stateText(status)}
      </span>
      {status && <span data-testid="status-author">as {status.author}</span>}
      <span data-testid="status-head">head {head === null ? "–" : `v${head}`}</span>
      <span data-testid="status-selected">
        viewing {selected === null ? "–" : `v${selected}`}
        {selected !== null && head !== null && selected !== head ? " (read-only)" : ""}
      </span>
      <span>draft: {draftCount} op{draftCount === 1 ? "" : "s"}</span>
      <span className="status-message" data-testid="status-message">
        {message}
      </span>
      <span className="spacer" />
      {lastCall && <span className="muted" data-testid="status-last-call">{lastCall}</span>}
    </footer>
  );
}
