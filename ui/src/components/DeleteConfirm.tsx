// Asked before deleting a node that has children: the delete then cascades.
import type { PendingDelete } from "../hooks/useDraft";
import { ConfirmDialog } from "./Modal";

export function DeleteConfirm({ pending, onCascade, onClose }: { pending: PendingDelete; onCascade(): void; onClose(): void }) {
  return (
    <ConfirmDialog
      title={`Delete “${pending.label}”?`}
      text={
        <p>
          “{pending.label}” has {pending.childCount} {pending.childCount === 1 ? "child" : "children"}. Deleting it with cascade
          also removes its edges to them, and deletes the children left without any parent (and so on down).
        </p>
      }
      actions={[{ label: "Delete with cascade", testId: "delete-cascade", danger: true, onClick: onCascade }]}
      onClose={onClose}
    />
  );
}
