// A diff's effect on classified documents (shared by the diff panel, the draft preview and the
// rollback dialog): "2 documents will go to review (category removed): science.physics — …".
import type { ClassificationImpact } from "../bindings";
import { impactLines } from "../review/impact";

export function ImpactSummary({ impact, preview, testId }: { impact: ClassificationImpact; preview: boolean; testId: string }) {
  const lines = impactLines(impact, preview);
  if (lines.length === 0) return null;
  return (
    <section className="impact" data-testid={testId}>
      <h4>Classified documents</h4>
      <ul className="plain">
        {lines.map((l) => (
          <li key={l.change} data-testid="impact-line" data-change={l.change} data-documents={l.documents}>
            <b>{l.text}</b>
            {l.entries.length > 0 && ":"}
            {l.entries.map((e) => (
              <span key={e.key} className="impact-entry" data-testid="impact-entry" data-key={e.key} data-documents={e.documents}>
                {" "}
                <span className="key">{e.key}</span> ({e.documents}
                {e.sample.length > 0 ? `: ${e.sample.join(", ")}${e.documents > e.sample.length ? ", …" : ""}` : ""})
              </span>
            ))}
          </li>
        ))}
      </ul>
    </section>
  );
}
