// Import a whole taxonomy from a JSON Lines file on this machine: publishes one version equal to
// the file (nodes missing from it are removed). A bad file is refused with the line that is wrong.
import { useState } from "react";
import type { Published } from "../bindings";

export function ImportForm({
  disabled,
  onImport,
}: {
  disabled: boolean;
  onImport(path: string, message: string): Promise<Published | null>;
}) {
  const [path, setPath] = useState("");
  const [message, setMessage] = useState("");
  const [result, setResult] = useState<string | null>(null);
  const ready = !disabled && path.trim() !== "";
  return (
    <form
      className="panel import-form"
      data-testid="import-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!ready) return;
        setResult(null);
        void onImport(path.trim(), message.trim() || `import ${path.trim()}`).then((p) => {
          if (!p) return;
          setResult(
            p.version === null
              ? "The file equals the head: nothing to publish."
              : `Published version ${p.version}: +${p.stats.nodes_added} −${p.stats.nodes_removed} ~${p.stats.nodes_changed} nodes in ${Math.round(p.elapsed_ms)} ms`,
          );
        });
      }}
    >
      <h3>Import a taxonomy file</h3>
      <p className="muted">
        JSON Lines, one node per line: <code>{'{"key", "label", "alt_labels", "description", "parents"}'}</code>. The new version
        equals the file exactly; nodes not in the file are removed (a rollback restores them).
      </p>
      <label>
        File path
        <input data-testid="import-path" value={path} onChange={(e) => setPath(e.target.value)} placeholder="/path/to/taxonomy.jsonl" />
      </label>
      <label>
        Message
        <input data-testid="import-message" value={message} onChange={(e) => setMessage(e.target.value)} placeholder="why this import" />
      </label>
      <button type="submit" data-testid="import-button" disabled={!ready}>
        Import
      </button>
      {result && (
        <p className="ok" data-testid="import-result">
          {result}
        </p>
      )}
    </form>
  );
}
