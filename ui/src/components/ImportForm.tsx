// Import a whole taxonomy from a file on this machine: JSON Lines, or SKOS in Turtle, N-Triples,
// RDF/XML or JSON-LD (by extension). Preview shows what the import would change (and what the
// SKOS mapping could not place) before anything is published; Import publishes one version equal
// to the file (nodes missing from it are removed). A bad file is refused with its line (and column).
import { useState } from "react";
import type { ImportPreview, ImportReport, Published } from "../bindings";
import type { ImportOptions } from "../api";
import { summaryText } from "../diffView";
import { DiffLists } from "./DiffLists";

/** Unplaced statements listed under a preview. */
const UNPLACED_SHOWN = 20;

export function isSkosPath(path: string): boolean {
  return /\.(ttl|nt|rdf|xml|owl|jsonld)$/i.test(path.trim());
}

export function ImportForm({
  disabled,
  onImport,
  onPreview,
}: {
  disabled: boolean;
  onImport(path: string, message: string, opts: ImportOptions): Promise<(Published & { skos?: ImportReport | null }) | null>;
  onPreview(path: string, opts: ImportOptions): Promise<ImportPreview | null>;
}) {
  const [path, setPath] = useState("");
  const [message, setMessage] = useState("");
  const [base, setBase] = useState("");
  const [lang, setLang] = useState("");
  const [result, setResult] = useState<string | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const ready = !disabled && path.trim() !== "";
  const skos = isSkosPath(path);
  const opts = (): ImportOptions => (skos ? { base: base.trim() || undefined, lang: lang.trim() || undefined } : {});
  return (
    <form
      className="panel import-form"
      data-testid="import-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!ready) return;
        setResult(null);
        void onImport(path.trim(), message.trim() || `import ${path.trim()}`, opts()).then((p) => {
          if (!p) return;
          setPreview(null);
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
        JSON Lines, one node per line: <code>{'{"key", "label", "alt_labels", "description", "parents"}'}</code>, or SKOS
        (<code>.ttl</code>, <code>.nt</code>, <code>.rdf</code>/<code>.xml</code>/<code>.owl</code>, <code>.jsonld</code>). The new
        version equals the file exactly; nodes not in the file are removed (a rollback restores them).
      </p>
      <label>
        File path
        <input data-testid="import-path" value={path} onChange={(e) => setPath(e.target.value)} placeholder="/path/to/taxonomy.jsonl" />
      </label>
      {skos && (
        <>
          <label>
            Namespace stripped from concept IRIs (optional)
            <input data-testid="import-base" value={base} onChange={(e) => setBase(e.target.value)} placeholder="http://example.org/taxonomy/" />
          </label>
          <label>
            Label language (optional; default: the file's most common)
            <input data-testid="import-lang" value={lang} onChange={(e) => setLang(e.target.value)} placeholder="en" />
          </label>
        </>
      )}
      <label>
        Message
        <input data-testid="import-message" value={message} onChange={(e) => setMessage(e.target.value)} placeholder="why this import" />
      </label>
      <div className="row">
        <button
          type="button"
          data-testid="import-preview-button"
          disabled={!ready}
          onClick={() => {
            setResult(null);
            void onPreview(path.trim(), opts()).then(setPreview);
          }}
        >
          Preview
        </button>
        <button type="submit" data-testid="import-button" disabled={!ready}>
          Import
        </button>
      </div>
      {preview && (
        <div data-testid="import-preview">
          <p>Importing would change: {summaryText(preview.diff.summary)}</p>
          {preview.skos && <SkosReport report={preview.skos} />}
          <DiffLists diff={preview.diff} />
        </div>
      )}
      {result && (
        <p className="ok" data-testid="import-result">
          {result}
        </p>
      )}
    </form>
  );
}

function SkosReport({ report }: { report: ImportReport }) {
  return (
    <div data-testid="import-skos-report">
      <p className="muted">
        {report.concepts} concepts from {report.triples} statements, labels in {report.language || "untagged literals"};{" "}
        {report.deprecated.length} deprecated, {report.unlabelled.length} without a label, {report.unplaced_total} statement(s) not
        placed.
      </p>
      {report.deprecated.length > 0 && (
        <ul>
          {report.deprecated.map((d) => (
            <li key={d.key}>
              deprecated: {d.key}
              {d.replaced_by.length > 0 && ` (replaced by ${d.replaced_by.join(", ")}: merged into it)`}
            </li>
          ))}
        </ul>
      )}
      {report.unplaced.length > 0 && (
        <ul data-testid="import-unplaced">
          {report.unplaced.slice(0, UNPLACED_SHOWN).map((u, i) => (
            <li key={i}>
              <code>{u.triple}</code> — {u.reason}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
