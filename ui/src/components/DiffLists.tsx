// A diff as a summary line, a legend and one list per change kind (shared by the diff panel, the
// draft preview and the rollback dialog).
import { useState, type ReactNode } from "react";
import type { Diff } from "../bindings";
import { CHANGE_KINDS, extraText, sameList, KIND_LABEL, segments, summaryText, totalChanges, type ChangeKind } from "../diffView";

const PAGE = 200;

export function DiffSummary({ diff, testId = "diff-summary" }: { diff: Diff; testId?: string }) {
  return (
    <div className="diff-summary" data-testid={testId}>
      <span className="diff-range">v{diff.from} → v{diff.to}:</span>{" "}
      {CHANGE_KINDS.map((k) => (
        <span key={k} className={`count chg-${k}`} data-kind={k} data-count={diff.summary[k]}>
          {diff.summary[k]} {k}
        </span>
      ))}
      {totalChanges(diff.summary) === 0 && <span className="muted"> (no changes)</span>}
    </div>
  );
}

export function Legend() {
  return (
    <div className="legend" aria-label="Legend of the tree highlights">
      {CHANGE_KINDS.filter((k) => k !== "removed").map((k) => (
        <span key={k} className={`legend-item chg-${k}`}>
          {KIND_LABEL[k]}
        </span>
      ))}
    </div>
  );
}

function Keys({ keys }: { keys: readonly string[] }) {
  return keys.length === 0 ? <em>(root)</em> : <>{keys.join(", ")}</>;
}

export function DiffLists({ diff, onSelectKey }: { diff: Diff; onSelectKey?: (key: string, kind: ChangeKind) => void }) {
  const [shown, setShown] = useState<Record<string, number>>({});
  const deprecated = diff.deprecated ?? [];
  if (totalChanges(diff.summary) === 0 && deprecated.length === 0) return <p className="muted">{summaryText(diff.summary)}</p>;

  function section<T extends { key: string }>(kind: ChangeKind, entries: readonly T[], render: (e: T) => ReactNode) {
    if (entries.length === 0) return null;
    const limit = shown[kind] ?? PAGE;
    return (
      <section className="diff-section" key={kind} data-testid={`diff-${kind}`}>
        <h4 className={`chg-${kind}`}>
          {KIND_LABEL[kind]} ({entries.length})
        </h4>
        <ul>
          {entries.slice(0, limit).map((e) => (
            <li key={e.key} data-testid="diff-entry" data-kind={kind} data-key={e.key}>
              {onSelectKey ? (
                <button type="button" className="link" onClick={() => onSelectKey(e.key, kind)}>
                  {render(e)}
                </button>
              ) : (
                render(e)
              )}
            </li>
          ))}
        </ul>
        {entries.length > limit && (
          <button type="button" onClick={() => setShown({ ...shown, [kind]: limit + PAGE * 5 })}>
            Show more ({entries.length - limit} left)
          </button>
        )}
      </section>
    );
  }

  return (
    <div className="diff-lists">
      {section("added", diff.added, (e) => (
        <>
          <b>{e.label}</b> <span className="key">{e.key}</span> under <Keys keys={e.parents} />
        </>
      ))}
      {section("removed", diff.removed, (e) => (
        <>
          <b>{e.label}</b> <span className="key">{e.key}</span> (was under <Keys keys={e.parents} />)
        </>
      ))}
      {section("renamed", diff.renamed, (e) => (
        <>
          <span className="key">{e.key}</span>: <del>{e.before}</del> → <ins>{e.after}</ins>
        </>
      ))}
      {section("moved", diff.moved, (e) => (
        <>
          <b>{e.label}</b> <span className="key">{e.key}</span>: <Keys keys={e.before} /> → <Keys keys={e.after} />
        </>
      ))}
      {section("edited", diff.edited, (e) => {
        return (
          <span className="edited">
            <b>{e.label}</b> <span className="key">{e.key}</span>
            {e.description_diff.length > 0 && (
              <span className="word-diff" data-testid="word-diff">
                {segments(e.description_diff).map((s, i) =>
                  s.kind === "delete" ? <del key={i}>{s.text}</del> : s.kind === "insert" ? <ins key={i}>{s.text}</ins> : <span key={i}>{s.text}</span>,
                )}
              </span>
            )}
            {!sameList(e.before.alt_labels, e.after.alt_labels) && (
              <span className="alt-change" data-testid="alt-change">
                alt labels: [{e.before.alt_labels.join(", ")}] → [{e.after.alt_labels.join(", ")}]
              </span>
            )}
            {/* The kept SKOS statements (notation, other languages' labels, notes): an edit of only these shows here. */}
            {((e.extras_removed?.length ?? 0) > 0 || (e.extras_added?.length ?? 0) > 0) && (
              <span className="extras-change" data-testid="extras-change">
                {e.extras_removed?.map((x, i) => <del key={`r${i}`}>{extraText(x)}</del>)}
                {e.extras_added?.map((x, i) => <ins key={`a${i}`}>{extraText(x)}</ins>)}
              </span>
            )}
          </span>
        );
      })}
      {deprecated.length > 0 && (
        <section className="diff-section" data-testid="diff-deprecated">
          <h4>Deprecated concepts ({deprecated.length})</h4>
          <ul>
            {deprecated.map((c) => (
              <li key={c.key} data-testid="deprecated-entry" data-key={c.key}>
                <span className="key">{c.key}</span>:{" "}
                {c.before === null ? "deprecated" : c.after === null ? "no longer deprecated" : "its statements changed"}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
