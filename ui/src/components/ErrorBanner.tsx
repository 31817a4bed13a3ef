import type { CommandError, ErrorKind } from "../bindings";

export function ErrorBanner({ error, onDismiss }: { error: CommandError | null; onDismiss(): void }) {
  if (!error) return null;
  return (
    <div className="error-banner" role="alert" data-testid="error-banner" data-kind={error.kind}>
      <div className="error-text">
        <strong>{errorTitle(error.kind)}</strong> {error.message}
        {error.path && error.path.length > 0 && (
          <div className="error-path" data-testid="error-path">
            Cycle: {error.path.join(" → ")}
          </div>
        )}
        {error.keys && error.keys.length > 0 && (
          <div className="error-keys" data-testid="error-keys">
            Nodes: {error.keys.join(", ")}
          </div>
        )}
      </div>
      <button type="button" className="dismiss" aria-label="Dismiss the error" data-testid="error-dismiss" onClick={onDismiss}>
        ×
      </button>
    </div>
  );
}

/** The banner's heading for each kind (a kind added in Rust is a compile error here until it has one). */
export function errorTitle(kind: ErrorKind): string {
  switch (kind) {
    case "not_found":
      return "Not found.";
    case "invalid_input":
      return "Invalid input.";
    case "cycle":
      return "Cycle refused.";
    case "conflict":
      return "Conflict with a newer version.";
    case "busy":
      return "Busy — try again.";
    case "unavailable":
      return "Cannot reach the service.";
    case "unauthorized":
      return "Not authorised.";
    case "embedding":
      return "Embedding model problem.";
    case "io":
      return "File error.";
    case "internal":
      return "Internal error.";
    default: {
      const unexpected: never = kind;
      return `Error (${String(unexpected)}).`;
    }
  }
}
