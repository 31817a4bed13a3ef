// An agent's categories: chips (× removes), the category selected in the tree, and more through
// the category picker (keyboard-driven; Escape closes it and the focus comes back here).
import { useRef, useState } from "react";
import type { CategoryPick } from "../../hooks/useNewAgent";
import { CategoryPicker } from "../review/CategoryPicker";

export function CategoryEditor({
  picks,
  onAdd,
  onRemove,
  version,
  selectedKey,
  labelOf,
}: {
  picks: readonly CategoryPick[];
  onAdd(picks: CategoryPick[]): void;
  onRemove(key: string): void;
  /** The version the categories must exist at (the agent's pin, or the head). */
  version: number | null;
  /** The category selected in the tree. */
  selectedKey: string | null;
  labelOf(key: string): string;
}) {
  const [picking, setPicking] = useState(false);
  const addButton = useRef<HTMLButtonElement>(null);
  const selectedIn = selectedKey !== null && picks.some((p) => p.key === selectedKey);

  function closePicker() {
    setPicking(false);
    // After the picker's own elements are gone.
    setTimeout(() => addButton.current?.focus(), 0);
  }

  return (
    <div className="agent-categories-editor" data-testid="category-editor">
      <div className="agent-chips" role="list" aria-label="Categories">
        {picks.length === 0 && <span className="muted">No category yet: an agent needs at least one.</span>}
        {picks.map((p) => (
          <span key={p.key} role="listitem" className="chip" data-testid="category-chip" data-key={p.key} title={p.key}>
            {p.label}
            {p.label !== p.key && <span className="key"> {p.key}</span>}
            <button type="button" className="chip-remove" data-testid="category-remove" aria-label={`Remove ${p.label}`} onClick={() => onRemove(p.key)}>
              ×
            </button>
          </span>
        ))}
      </div>
      <div className="buttons">
        <button ref={addButton} type="button" className="small" data-testid="category-add" disabled={version === null} onClick={() => setPicking(true)}>
          Add categories…
        </button>
        <button
          type="button"
          className="small"
          data-testid="category-add-selected"
          disabled={selectedKey === null || selectedIn}
          title={selectedKey === null ? "Select a category in the tree first" : `Add ${labelOf(selectedKey)}`}
          onClick={() => selectedKey !== null && onAdd([{ key: selectedKey, label: labelOf(selectedKey) }])}
        >
          Add the selected category
        </button>
      </div>
      {picking && (
        <CategoryPicker
          version={version}
          title="Add categories"
          confirmLabel={(n) => (n === 1 ? "Add 1 category" : `Add ${n} categories`)}
          onConfirm={(_keys, added) => {
            onAdd(added);
            closePicker();
          }}
          onCancel={closePicker}
        />
      )}
    </div>
  );
}
