// A keyboard-driven category picker (the review's reassign, an agent's categories). Type to find
// (find_nodes at the given version), ↑/↓ to move, Enter adds the highlighted category (several may
// be added), Enter on an empty box or Ctrl+Enter confirms, Backspace on an empty box drops the last
// pick, Escape cancels.
import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import type { FindHit } from "../../bindings";
import * as api from "../../api";
import { useServices } from "../../services";
import { Modal } from "../Modal";

const LIMIT = 20;

export type Pick = { key: string; label: string };

export function CategoryPicker({
  version,
  title,
  confirmLabel = (n) => `Reassign to ${n === 1 ? "1 category" : `${n} categories`}`,
  onConfirm,
  onCancel,
}: {
  /** The version the categories must exist at (the head, for a reassign). */
  version: number | null;
  title: string;
  /** The confirm button's text for `n` picks. */
  confirmLabel?(n: number): string;
  /** The picked keys, and the picks with their labels. */
  onConfirm(keys: string[], picks: Pick[]): void;
  onCancel(): void;
}) {
  const { report } = useServices();
  const [text, setText] = useState("");
  const [hits, setHits] = useState<FindHit[] | null>(null);
  const [active, setActive] = useState(0);
  const [picks, setPicks] = useState<Pick[]>([]);
  const seq = useRef(0);

  useEffect(() => {
    const q = text.trim();
    if (version === null || q === "") {
      setHits(null);
      return;
    }
    const mine = ++seq.current;
    const t = setTimeout(() => {
      api.findNodes(version, q, LIMIT).then(
        (h) => {
          if (mine !== seq.current) return;
          setHits(h);
          setActive(0);
        },
        (e: unknown) => mine === seq.current && report(e),
      );
    }, 150);
    return () => clearTimeout(t);
  }, [text, version, report]);

  function add(hit: FindHit) {
    setPicks((p) => (p.some((x) => x.key === hit.key) ? p : [...p, { key: hit.key, label: hit.label }]));
    setText("");
    setHits(null);
  }

  function confirm() {
    if (picks.length > 0) onConfirm(picks.map((p) => p.key), picks);
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    const list = hits ?? [];
    if (e.key === "Enter") {
      // Handled here: the draft's Ctrl+Enter (publish) must not also fire.
      e.preventDefault();
      if (e.ctrlKey || e.metaKey || text.trim() === "") confirm();
      else if (list[active]) add(list[active]);
    } else if (e.key === "ArrowDown" && list.length > 0) {
      e.preventDefault();
      setActive((a) => Math.min(list.length - 1, a + 1));
    } else if (e.key === "ArrowUp" && list.length > 0) {
      e.preventDefault();
      setActive((a) => Math.max(0, a - 1));
    } else if (e.key === "Backspace" && text === "" && picks.length > 0) {
      e.preventDefault();
      setPicks((p) => p.slice(0, -1));
    }
  }

  return (
    <Modal title={title} onClose={onCancel} testId="review-picker">
      <div className="picker-chips" data-testid="picker-picks">
        {picks.map((p) => (
          <span key={p.key} className="chip" data-testid="picker-chip" data-key={p.key}>
            {p.label} <span className="key">{p.key}</span>
            <button
              type="button"
              className="chip-remove"
              aria-label={`Remove ${p.label}`}
              onClick={() => setPicks((all) => all.filter((x) => x.key !== p.key))}
            >
              ×
            </button>
          </span>
        ))}
        {picks.length === 0 && <span className="muted">No category chosen yet.</span>}
      </div>
      <input
        type="search"
        className="picker-input"
        data-testid="picker-input"
        aria-label="Find a category"
        placeholder="Type to find a category…"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        autoFocus
      />
      {hits && (
        <ul className="find-hits picker-hits" role="listbox" data-testid="picker-hits">
          {hits.length === 0 && <li className="muted">No match.</li>}
          {hits.map((h, i) => (
            <li
              key={h.key}
              role="option"
              aria-selected={i === active}
              className={i === active ? "active" : ""}
              data-testid="picker-hit"
              data-key={h.key}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => add(h)}
            >
              <b>{h.label}</b>
              {h.parent_labels.length > 0 && <span className="muted"> in {h.parent_labels.join(", ")}</span>}
              <span className="key"> {h.key}</span>
            </li>
          ))}
        </ul>
      )}
      <p className="muted picker-help">↑/↓ choose · Enter adds · Enter on an empty box (or Ctrl+Enter) confirms · Esc cancels</p>
      <div className="modal-buttons">
        <button type="button" className="primary" data-testid="picker-confirm" disabled={picks.length === 0} onClick={confirm}>
          {confirmLabel(picks.length)}
        </button>
        <button type="button" data-testid="picker-cancel" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </Modal>
  );
}
