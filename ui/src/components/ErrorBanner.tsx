import type { CommandError } from "../bindings";

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

export function errorTitle(kind: string): string {
  switch (kind) {
    case "cycle":
      return "That would create a cycle.";
    case "conflict":
      return "Conflict with a newer version.";
    case "not_found":
      return "Not found.";
    case "invalid":
    case "bad_input":
      return "Invalid input.";
    case "database":
      return "Database error.";
    case "connection":
      return "Connection problem.";
    case "io":
      return "File error.";
    case "embedding":
      return "Embedding problem.";
    default:
      return "Error.";
  }
}
