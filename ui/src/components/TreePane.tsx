// The left pane: find a node by label, and the tree with its edits (F2 rename, Delete, drag and
// drop) going to the draft.
import type { CategoryCounts } from "../bindings";
import type { ChangeKind } from "../diffView";
import type { DraftState } from "../hooks/useDraft";
import type { TreeState } from "../hooks/useTreeState";
import { FindBox } from "./FindBox";
import { Tree } from "./Tree";

export function TreePane({
  tree,
  draft,
  version,
  ready,
  editable,
  highlight,
  onOpen,
  counts,
  onVisibleKeys,
  onReviewUnder,
}: {
  tree: TreeState;
  draft: Pick<DraftState, "addToDraft" | "requestDelete" | "onDropRow" | "readOnlyError" | "pending" | "touched">;
  version: number | null;
  ready: boolean;
  editable: boolean;
  highlight: ReadonlyMap<string, ChangeKind[]>;
  /** Enter or double click on a row. */
  onOpen(): void;
  /** Documents and open review items per key, for the rows shown. */
  counts?: ReadonlyMap<string, CategoryCounts>;
  onVisibleKeys?(keys: string[]): void;
  /** A click on a row's pending count. */
  onReviewUnder?(key: string): void;
}) {
  return (
    <aside className="left">
      <FindBox version={version} onPick={tree.onFindPick} />
      <Tree
        rows={tree.rows}
        selectedId={tree.selectedId}
        onSelect={tree.onSelectRow}
        onToggle={tree.onToggle}
        onOpen={(row) => {
          tree.onSelectRow(row);
          onOpen();
        }}
        editable={editable}
        onRename={(row, label) => draft.addToDraft([{ op: "rename", key: row.key, label }])}
        onDelete={(row) => draft.requestDelete(row.key, row.label, row.childCount)}
        onDropRow={draft.onDropRow}
        onReadOnly={draft.readOnlyError}
        highlight={highlight}
        pendingLabels={draft.pending}
        touched={draft.touched}
        scrollRequest={tree.scrollRequest}
        loading={ready && version !== null && !tree.loaded}
        emptyText={ready ? undefined : "Not connected."}
        counts={counts}
        onVisibleKeys={onVisibleKeys}
        onReviewUnder={onReviewUnder}
      />
    </aside>
  );
}
