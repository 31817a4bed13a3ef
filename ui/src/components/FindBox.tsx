// Label search (find_nodes) with a result list; Enter or click picks a hit.
import { useEffect, useRef, useState } from "react";
import type { FindHit } from "../bindings";
import * as api from "../api";
import { useServices } from "../services";

export function FindBox({
  version,
  onPick,
  placeholder = "Find a node by label…",
  testId = "find-input",
  limit = 50,
}: {
  version: number | null;
  onPick(hit: FindHit): void;
  placeholder?: string;
  testId?: string;
  limit?: number;
}) {
  const { run, report } = useServices();
  const [text, setText] = useState("");
  const [hits, setHits] = useState<FindHit[] | null>(null);
  const [active, setActive] = useState(0);
  const seq = useRef(0);

  useEffect(() => {
    const q = text.trim();
    if (version === null || q === "") {
      setHits(null);
      return;
    }
    const mine = ++seq.current;
    const t = setTimeout(() => {
      run(`Finding “${q}”…`, () => api.findNodes(version, q, limit)).then(
        (h) => {
          if (mine === seq.current) {
            setHits(h);
            setActive(0);
          }
        },
        (e: unknown) => mine === seq.current && report(e),
      );
    }, 250);
    return () => clearTimeout(t);
  }, [text, version, limit, run, report]);

  function pick(hit: FindHit) {
    onPick(hit);
    setHits(null);
  }

  return (
    <div className="find-box">
      <input
        type="search"
        data-testid={testId}
        aria-label={placeholder}
        placeholder={placeholder}
        value={text}
        disabled={version === null}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (!hits || hits.length === 0) return;
          if (e.key === "ArrowDown") {
            e.preventDefault();
            setActive((a) => Math.min(hits.length - 1, a + 1));
          } else if (e.key === "ArrowUp") {
            e.preventDefault();
            setActive((a) => Math.max(0, a - 1));
          } else if (e.key === "Enter") {
            e.preventDefault();
            pick(hits[active]);
          } else if (e.key === "Escape") {
            setHits(null);
          }
        }}
      />
      {hits && (
        <ul className="find-hits" role="listbox" data-testid={`${testId}-hits`}>
          {hits.length === 0 && <li className="muted">No match.</li>}
          {hits.map((h, i) => (
            <li
              key={h.key}
              role="option"
              aria-selected={i === active}
              className={i === active ? "active" : ""}
              data-testid="find-hit"
              data-key={h.key}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => pick(h)}
            >
              <b>{h.label}</b>
              {h.matched !== h.label && <span className="muted"> ({h.matched})</span>}
              {h.parent_labels.length > 0 && <span className="muted"> in {h.parent_labels.join(", ")}</span>}
              <span className="key"> {h.key}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
