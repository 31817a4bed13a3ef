// The selected node at the viewed version: content, parents, children, paths, and the editing
// controls that add operations to the draft (never publish directly).
import { useEffect, useState } from "react";
import type { EditOp, FindHit, NodeDetails as Details } from "../bindings";
import * as api from "../api";
import { useServices } from "../services";
import { FindBox } from "./FindBox";

export type NodeDetailsProps = {
  version: number | null;
  nodeKey: string | null;
  editable: boolean;
  /** Adds operations to the draft as one undoable step. */
  onAddOps(ops: EditOp[]): void;
  onSelectKey(key: string): void;
  onDelete(key: string, label: string, childCount: number): void;
};

export function NodeDetails({ version, nodeKey, editable, onAddOps, onSelectKey, onDelete }: NodeDetailsProps) {
  const { run, report } = useServices();
  const [details, setDetails] = useState<Details | null>(null);
  const [failed, setFailed] = useState<string | null>(null);

  useEffect(() => {
    setDetails(null);
    setFailed(null);
    if (version === null || nodeKey === null) return;
    let live = true;
    run("Loading details…", () => api.nodeDetails(version, nodeKey)).then(
      (d) => live && setDetails(d),
      (e: unknown) => {
        if (!live) return;
        setFailed(api.toCommandError(e).message);
        report(e);
      },
    );
    return () => {
      live = false;
    };
  }, [version, nodeKey, run, report]);

  if (nodeKey === null) return <p className="muted pad">Select a node in the tree.</p>;
  if (failed) return <p className="muted pad">Could not load {nodeKey}: {failed}</p>;
  if (!details) return <p className="muted pad">Loading {nodeKey}…</p>;
  return <DetailsView key={`${details.version}:${details.key}`} d={details} editable={editable} onAddOps={onAddOps} onSelectKey={onSelectKey} onDelete={onDelete} />;
}

function DetailsView({ d, editable, onAddOps, onSelectKey, onDelete }: { d: Details } & Pick<NodeDetailsProps, "editable" | "onAddOps" | "onSelectKey" | "onDelete">) {
  const [label, setLabel] = useState(d.label);
  const [description, setDescription] = useState(d.description);
  const [altLabels, setAltLabels] = useState(d.alt_labels.join("\n"));
  const [picked, setPicked] = useState<FindHit | null>(null);
  const [newKey, setNewKey] = useState("");
  const [newLabel, setNewLabel] = useState("");
  const parentKeys = d.parents.map((p) => p.key);
  const ro = !editable;

  const alts = altLabels.split("\n").map((s) => s.trim()).filter((s) => s !== "");

  return (
    <div className="details" data-testid="details">
      <h2 data-testid="details-label">{d.label}</h2>
      <div className="details-key">
        key <code data-testid="details-key">{d.key}</code> · v{d.version}
      </div>

      <dl className="details-fields">
        <dt>Alternative labels</dt>
        <dd>{d.alt_labels.length ? d.alt_labels.join(", ") : <span className="muted">none</span>}</dd>
        <dt>Description</dt>
        <dd className="description">{d.description || <span className="muted">none</span>}</dd>
        <dt>Parents ({d.parents.length})</dt>
        <dd>
          {d.parents.length === 0 && <span className="muted">none (a root)</span>}
          <ul className="plain">
            {d.parents.map((p) => (
              <li key={p.key} data-testid="details-parent" data-key={p.key}>
                <button type="button" className="link" onClick={() => onSelectKey(p.key)}>
                  {p.label}
                </button>{" "}
                <span className="key">{p.key}</span>{" "}
                <button
                  type="button"
                  className="small"
                  disabled={ro}
                  data-testid="remove-parent"
                  onClick={() => onAddOps([{ op: "remove_parent", key: d.key, parent: p.key }])}
                >
                  Remove parent
                </button>
              </li>
            ))}
          </ul>
        </dd>
        <dt>Children ({d.children.length})</dt>
        <dd>
          {d.children.length === 0 && <span className="muted">none</span>}
          <ul className="plain children-list">
            {d.children.slice(0, 300).map((c) => (
              <li key={c.key}>
                <button type="button" className="link" onClick={() => onSelectKey(c.key)}>
                  {c.label}
                </button>
                {c.parent_count > 1 && <span className="multi-parent"> ⋔ {c.parent_count}</span>}
              </li>
            ))}
            {d.children.length > 300 && <li className="muted">… and {d.children.length - 300} more (expand it in the tree)</li>}
          </ul>
        </dd>
        <dt>Paths to a root ({d.paths.length})</dt>
        <dd>
          <ul className="plain paths" data-testid="details-paths">
            {d.paths.slice(0, 50).map((p, i) => (
              <li key={i}>
                {p.map((k, j) => (
                  <span key={j}>
                    {j > 0 && " › "}
                    <button type="button" className="link" onClick={() => onSelectKey(k)}>
                      {k}
                    </button>
                  </span>
                ))}
              </li>
            ))}
            {d.paths.length > 50 && <li className="muted">… and {d.paths.length - 50} more</li>}
          </ul>
        </dd>
      </dl>

      <fieldset className="edit-forms" disabled={ro}>
        <legend>Edit (adds to the draft{ro ? "; read-only version" : ""})</legend>
        <form
          className="row-form"
          onSubmit={(e) => {
            e.preventDefault();
            const l = label.trim();
            if (l && l !== d.label) onAddOps([{ op: "rename", key: d.key, label: l }]);
          }}
        >
          <label>
            Label <input data-testid="edit-label" value={label} onChange={(e) => setLabel(e.target.value)} />
          </label>
          <button type="submit" disabled={label.trim() === "" || label.trim() === d.label}>
            Rename
          </button>
        </form>
        <form
          className="col-form"
          onSubmit={(e) => {
            e.preventDefault();
            onAddOps([{ op: "set_description", key: d.key, description }]);
          }}
        >
          <label>
            Description
            <textarea data-testid="edit-description" rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />
          </label>
          <button type="submit" disabled={description === d.description}>
            Set description
          </button>
        </form>
        <form
          className="col-form"
          onSubmit={(e) => {
            e.preventDefault();
            onAddOps([{ op: "set_alt_labels", key: d.key, alt_labels: alts }]);
          }}
        >
          <label>
            Alternative labels (one per line)
            <textarea data-testid="edit-alt-labels" rows={2} value={altLabels} onChange={(e) => setAltLabels(e.target.value)} />
          </label>
          <button type="submit" disabled={alts.join("\n") === d.alt_labels.join("\n")}>
            Set alternative labels
          </button>
        </form>

        <div className="parent-picker" data-testid="parent-picker">
          <div className="sub-legend">Parents: find a node, then…</div>
          <FindBox version={d.version} testId="parent-find" placeholder="Find a node for parent / merge…" onPick={setPicked} />
          {picked && (
            <div className="picked">
              <b>{picked.label}</b> <span className="key">{picked.key}</span>
              <div className="buttons">
                <button
                  type="button"
                  data-testid="add-as-parent"
                  disabled={picked.key === d.key || parentKeys.includes(picked.key)}
                  onClick={() => onAddOps([{ op: "add_parent", key: d.key, parent: picked.key }])}
                >
                  Add as parent
                </button>
                <button
                  type="button"
                  data-testid="move-here"
                  disabled={picked.key === d.key}
                  onClick={() => onAddOps([{ op: "move", key: d.key, parents: [picked.key] }])}
                >
                  Move here (sole parent)
                </button>
                <button
                  type="button"
                  data-testid="merge-into"
                  disabled={picked.key === d.key}
                  onClick={() => onAddOps([{ op: "merge", from: d.key, into: picked.key }])}
                >
                  Merge this node into it
                </button>
              </div>
            </div>
          )}
          {d.parents.length > 0 && (
            <button type="button" className="small" onClick={() => onAddOps([{ op: "move", key: d.key, parents: [] }])}>
              Make a root
            </button>
          )}
        </div>

        <form
          className="row-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (!newKey.trim() || !newLabel.trim()) return;
            onAddOps([{ op: "add", key: newKey.trim(), label: newLabel.trim(), alt_labels: [], description: "", parents: [d.key] }]);
            setNewKey("");
            setNewLabel("");
          }}
        >
          <span className="sub-legend">New child:</span>
          <input data-testid="new-child-key" placeholder="key" aria-label="Key of the new child" value={newKey} onChange={(e) => setNewKey(e.target.value)} />
          <input data-testid="new-child-label" placeholder="label" aria-label="Label of the new child" value={newLabel} onChange={(e) => setNewLabel(e.target.value)} />
          <button type="submit" disabled={!newKey.trim() || !newLabel.trim()}>
            Add child
          </button>
        </form>

        <button type="button" className="danger" data-testid="delete-node" onClick={() => onDelete(d.key, d.label, d.children.length)}>
          Delete {d.label}…
        </button>
      </fieldset>
    </div>
  );
}
