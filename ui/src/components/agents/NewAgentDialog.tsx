// "New agent": name, description, categories (prefilled from the tree's selection; more through
// the category picker), mode and k. Enter in the name creates, Escape closes; the library's
// refusal (a bad or taken name, an unknown category, …) is shown here and the dialog stays open.
import { LIMITS } from "../../bindings";
import type { NewAgentForm } from "../../hooks/useNewAgent";
import { MODES } from "../../searchText";
import { Modal } from "../Modal";
import { CategoryEditor } from "./CategoryEditor";
import { InlineError } from "../InlineError";

export function NewAgentDialog({
  form,
  head,
  selectedKey,
  labelOf,
}: {
  form: NewAgentForm;
  /** New agents follow the head: their categories must exist there. */
  head: number | null;
  selectedKey: string | null;
  labelOf(key: string): string;
}) {
  return (
    <Modal title="New agent" onClose={form.close} testId="agent-new-dialog">
      <form
        className="col-form agent-form"
        onSubmit={(e) => {
          e.preventDefault();
          void form.submit();
        }}
      >
        <label>
          Name
          <input
            data-testid="agent-new-name"
            autoFocus
            maxLength={63}
            spellCheck={false}
            autoComplete="off"
            placeholder="support-bot"
            aria-describedby="agent-name-help"
            value={form.name}
            onChange={(e) => form.setName(e.target.value)}
          />
        </label>
        <span id="agent-name-help" className="muted small-note">
          Letters, digits, “.”, “_” or “-”, starting with a letter or digit (it names the agent in scripts and URLs).
        </span>
        <label>
          Description
          <textarea data-testid="agent-new-description" rows={2} value={form.description} onChange={(e) => form.setDescription(e.target.value)} />
        </label>
        <span className="field-label">Categories (and everything under them, at the head)</span>
        <CategoryEditor picks={form.categories} onAdd={form.add} onRemove={form.removeCategory} version={head} selectedKey={selectedKey} labelOf={labelOf} />
        <div className="toolbar-row">
          <label className="inline">
            Mode
            <select data-testid="agent-new-mode" value={form.mode} onChange={(e) => form.setMode(e.target.value as typeof form.mode)}>
              {MODES.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.label}
                </option>
              ))}
            </select>
          </label>
          <label className="inline" title="Hits per search">
            k
            <input
              type="number"
              className="narrow"
              data-testid="agent-new-k"
              min={1}
              max={LIMITS.search_k_max}
              value={form.k}
              onChange={(e) => form.setK(Number(e.target.value))}
            />
          </label>
        </div>
        <InlineError error={form.error} testId="agent-new-error" />
        <div className="modal-buttons">
          <button type="submit" className="primary" data-testid="agent-new-create" disabled={!form.canSubmit}>
            {form.busy ? "Creating…" : "Create agent"}
          </button>
          <button type="button" data-testid="agent-new-cancel" onClick={form.close}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}
