// Edit the selected agent: description, categories and the version its scope is read at (the
// head, or a pinned version). Save sends only what changed; a refusal is shown under the form.
import type { Version } from "../../bindings";
import type { AgentEdit } from "../../hooks/useAgentEdit";
import { CategoryEditor } from "./CategoryEditor";
import { InlineError } from "../InlineError";

export function AgentEditForm({
  edit,
  versions,
  head,
  selectedKey,
  labelOf,
}: {
  edit: AgentEdit;
  versions: readonly Version[];
  head: number | null;
  selectedKey: string | null;
  labelOf(key: string): string;
}) {
  const newestFirst = [...versions].sort((a, b) => b.version - a.version);
  return (
    <fieldset className="agent-edit" data-testid="agent-edit">
      <legend>Edit</legend>
      <form
        className="col-form agent-form"
        onSubmit={(e) => {
          e.preventDefault();
          void edit.save();
        }}
      >
        <label>
          Description
          <textarea data-testid="agent-edit-description" rows={2} value={edit.description} onChange={(e) => edit.setDescription(e.target.value)} />
        </label>
        <span className="field-label">Categories{edit.pin !== null ? ` (at v${edit.pin})` : ""}</span>
        <CategoryEditor
          picks={edit.categories}
          onAdd={edit.add}
          onRemove={edit.removeCategory}
          version={edit.pin ?? head}
          selectedKey={selectedKey}
          labelOf={labelOf}
        />
        <label className="inline">
          Version
          <select
            data-testid="agent-edit-pin"
            value={edit.pin === null ? "" : String(edit.pin)}
            onChange={(e) => edit.setPin(e.target.value === "" ? null : Number(e.target.value))}
          >
            <option value="">Follow the head{head !== null ? ` (now v${head})` : ""}</option>
            {newestFirst.map((v) => (
              <option key={v.version} value={String(v.version)}>
                Pin to v{v.version}
                {v.message ? ` · ${v.message}` : ""}
              </option>
            ))}
          </select>
        </label>
        <InlineError error={edit.error} testId="agent-edit-error" />
        <div className="buttons">
          <button type="submit" className="primary" data-testid="agent-save" disabled={!edit.canSave}>
            {edit.busy ? "Saving…" : "Save changes"}
          </button>
          <button type="button" data-testid="agent-revert" disabled={!edit.dirty || edit.busy} onClick={edit.revert}>
            Revert
          </button>
          {edit.saved && (
            <span className="muted" role="status" data-testid="agent-saved">
              Saved.
            </span>
          )}
        </div>
      </form>
    </fieldset>
  );
}
