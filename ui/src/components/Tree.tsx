// The virtualised tree: keyboard navigation, type-to-find, inline rename (F2), delete, drag to
// re-parent. Rows come from tree/flatten; loading and editing are the owner's business.
import { useEffect, useRef, useState, type DragEvent, type KeyboardEvent } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import type { CategoryCounts } from "../bindings";
import type { Row } from "../tree/flatten";
import { parentIndex } from "../tree/flatten";
import type { ChangeKind } from "../diffView";
import { findMatch, initialTypeAhead, isTypeAheadKey, typeChar } from "../typeToFind";

export const ROW_HEIGHT = 24;
const DRAG_TYPE = "application/x-dtrag-row";

export type TreeProps = {
  rows: Row[];
  selectedId: string | null;
  onSelect(row: Row): void;
  /** Expand or collapse (the owner loads the children). */
  onToggle(row: Row, expand: boolean): void;
  /** Enter / double click: show the details. */
  onOpen(row: Row): void;
  editable: boolean;
  onRename(row: Row, label: string): void;
  onDelete(row: Row): void;
  onDropRow(dragged: Row, target: Row): void;
  /** An editing key (F2, Delete) was pressed while the tree is read-only. */
  onReadOnly(): void;
  /** Change kinds by key, from the diff on screen. */
  highlight: ReadonlyMap<string, ChangeKind[]>;
  /** Labels after the draft's renames. */
  pendingLabels: ReadonlyMap<string, string>;
  /** Keys touched by the draft. */
  touched: ReadonlySet<string>;
  /** Bumped to scroll the selected row into view. */
  scrollRequest: number;
  loading: boolean;
  emptyText?: string;
  /** Documents classified under each key and open review items about it (shown when non-zero). */
  counts?: ReadonlyMap<string, CategoryCounts>;
  /** The keys of the rows rendered now (their counts are read). */
  onVisibleKeys?(keys: string[]): void;
  /** A click on a row's pending count: review that subtree. */
  onReviewUnder?(key: string): void;
};

export function Tree(props: TreeProps) {
  const { rows, selectedId, editable } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const typeAhead = useRef(initialTypeAhead);
  const dragged = useRef<Row | null>(null);
  const [editing, setEditing] = useState<{ id: string; value: string } | null>(null);
  const [dropTarget, setDropTarget] = useState<string | null>(null);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
    getItemKey: (i) => rows[i]?.id ?? i,
  });

  const selectedIndex = selectedId === null ? -1 : rows.findIndex((r) => r.id === selectedId);

  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: "auto" });
    // Only when asked (reveal) — keyboard moves scroll themselves.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.scrollRequest]);

  function select(index: number) {
    const row = rows[index];
    if (!row) return;
    props.onSelect(row);
    virtualizer.scrollToIndex(index, { align: "auto" });
  }

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    if (editing) return;
    const row = selectedIndex >= 0 ? rows[selectedIndex] : undefined;
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 240) / ROW_HEIGHT) - 1);
    switch (e.key) {
      case "ArrowDown":
        e.preventDefault();
        select(Math.min(rows.length - 1, selectedIndex + 1));
        return;
      case "ArrowUp":
        e.preventDefault();
        select(selectedIndex < 0 ? 0 : Math.max(0, selectedIndex - 1));
        return;
      case "Home":
        e.preventDefault();
        select(0);
        return;
      case "End":
        e.preventDefault();
        select(rows.length - 1);
        return;
      case "PageDown":
        e.preventDefault();
        select(Math.min(rows.length - 1, Math.max(0, selectedIndex) + page));
        return;
      case "PageUp":
        e.preventDefault();
        select(Math.max(0, selectedIndex - page));
        return;
      case "ArrowRight":
        e.preventDefault();
        if (!row) return select(0);
        if (row.hasChildren && !row.expanded) props.onToggle(row, true);
        else if (row.expanded && rows[selectedIndex + 1]?.parentId === row.id) select(selectedIndex + 1);
        return;
      case "ArrowLeft": {
        e.preventDefault();
        if (!row) return;
        if (row.expanded) props.onToggle(row, false);
        else {
          const p = parentIndex(rows, selectedIndex);
          if (p >= 0) select(p);
        }
        return;
      }
      case "Enter":
        e.preventDefault();
        if (row) props.onOpen(row);
        return;
      case "F2":
        e.preventDefault();
        if (row && !editable) props.onReadOnly();
        else if (row) setEditing({ id: row.id, value: props.pendingLabels.get(row.key) ?? row.label });
        return;
      case "Delete":
        e.preventDefault();
        if (row && !editable) props.onReadOnly();
        else if (row) props.onDelete(row);
        return;
    }
    if (isTypeAheadKey(e)) {
      e.preventDefault();
      typeAhead.current = typeChar(typeAhead.current, e.key, Date.now());
      const labels = rows.map((r) => props.pendingLabels.get(r.key) ?? r.label);
      const idx = findMatch(labels, typeAhead.current.buffer, selectedIndex);
      if (idx >= 0) select(idx);
    }
  }

  function commitRename(row: Row) {
    const value = editing?.value.trim() ?? "";
    setEditing(null);
    scrollRef.current?.focus();
    const current = props.pendingLabels.get(row.key) ?? row.label;
    if (value !== "" && value !== current) props.onRename(row, value);
  }

  function onDragStart(e: DragEvent, row: Row) {
    dragged.current = row;
    e.dataTransfer.setData(DRAG_TYPE, row.id);
    e.dataTransfer.setData("text/plain", row.key);
    e.dataTransfer.effectAllowed = "move";
  }

  function onDragOver(e: DragEvent, row: Row) {
    const d = dragged.current;
    if (!editable || !d || d.key === row.key) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "move";
    if (dropTarget !== row.id) setDropTarget(row.id);
  }

  function onDrop(e: DragEvent, row: Row) {
    e.preventDefault();
    const d = dragged.current;
    dragged.current = null;
    setDropTarget(null);
    if (d && d.key !== row.key) props.onDropRow(d, row);
  }

  const items = virtualizer.getVirtualItems();
  const { onVisibleKeys } = props;
  const shownKeys = items.map((i) => rows[i.index]?.key ?? "").join("\n");
  useEffect(() => {
    if (onVisibleKeys && shownKeys !== "") onVisibleKeys([...new Set(shownKeys.split("\n"))]);
  }, [shownKeys, onVisibleKeys]);
  const activeId = selectedIndex >= 0 ? domId(rows[selectedIndex].id) : undefined;

  return (
    <div
      className="tree-scroll"
      ref={scrollRef}
      tabIndex={0}
      role="tree"
      aria-label="Taxonomy"
      aria-activedescendant={activeId}
      data-testid="tree"
      onKeyDown={onKeyDown}
    >
      {rows.length === 0 && (
        <div className="tree-empty">{props.loading ? "Loading…" : props.emptyText ?? "No nodes at this version."}</div>
      )}
      <div className="tree-inner" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const row = rows[item.index];
          if (!row) return null;
          const kinds = props.highlight.get(row.key);
          const pending = props.pendingLabels.get(row.key);
          const cls = ["tree-row"];
          if (row.id === selectedId) cls.push("selected");
          if (kinds) cls.push(`chg-${kinds[0]}`);
          if (props.touched.has(row.key)) cls.push("drafted");
          if (dropTarget === row.id) cls.push("drop-target");
          const isEditing = editing?.id === row.id;
          return (
            <div
              key={item.key}
              id={domId(row.id)}
              className={cls.join(" ")}
              role="treeitem"
              aria-level={row.depth + 1}
              aria-selected={row.id === selectedId}
              aria-expanded={row.hasChildren ? row.expanded : undefined}
              data-testid="tree-row"
              data-key={row.key}
              data-depth={row.depth}
              data-row-id={row.id}
              data-change={kinds?.join(" ")}
              style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT, paddingLeft: 6 + row.depth * 16 }}
              draggable={editable && !isEditing}
              onDragStart={(e) => onDragStart(e, row)}
              onDragOver={(e) => onDragOver(e, row)}
              onDragLeave={() => dropTarget === row.id && setDropTarget(null)}
              onDrop={(e) => onDrop(e, row)}
              onDragEnd={() => {
                dragged.current = null;
                setDropTarget(null);
              }}
              onClick={() => props.onSelect(row)}
              onDoubleClick={() => props.onOpen(row)}
            >
              <span
                className={"twisty" + (row.hasChildren ? "" : " leaf")}
                data-testid="tree-toggle"
                aria-hidden="true"
                onClick={(e) => {
                  e.stopPropagation();
                  props.onSelect(row);
                  if (row.hasChildren) props.onToggle(row, !row.expanded);
                }}
              >
                {row.hasChildren ? (row.expanded ? "▾" : "▸") : ""}
              </span>
              {isEditing ? (
                <input
                  className="rename-input"
                  data-testid="rename-input"
                  aria-label={`New label for ${row.label}`}
                  autoFocus
                  value={editing.value}
                  onChange={(e) => setEditing({ id: row.id, value: e.target.value })}
                  onClick={(e) => e.stopPropagation()}
                  onKeyDown={(e) => {
                    e.stopPropagation();
                    if (e.key === "Enter") commitRename(row);
                    if (e.key === "Escape") {
                      setEditing(null);
                      scrollRef.current?.focus();
                    }
                  }}
                  onBlur={() => setEditing(null)}
                />
              ) : (
                <span className="row-label" title={row.key}>
                  {pending !== undefined && pending !== row.label ? (
                    <>
                      <span className="pending-label">{pending}</span>{" "}
                      <s className="old-label">{row.label}</s>
                    </>
                  ) : (
                    row.label
                  )}
                </span>
              )}
              {row.isMultiParent && (
                <span
                  className="multi-parent"
                  data-testid="multi-parent"
                  title={`${row.parentCount} parents: this node is also shown under its other parents`}
                >
                  ⋔ {row.parentCount}
                </span>
              )}
              <RowCounts counts={props.counts?.get(row.key)} onReview={props.onReviewUnder} />
              {row.hasChildren && <span className="child-count">{row.childCount}</span>}
              {row.loading && <span className="row-loading">loading…</span>}
            </div>
          );
        })}
      </div>
    </div>
  );
}

/** A row's classified documents, and its open review items as a button to that subtree's queue. */
function RowCounts({ counts, onReview }: { counts: CategoryCounts | undefined; onReview?: (key: string) => void }) {
  if (!counts || (counts.documents === 0 && counts.pending === 0)) return null;
  return (
    <>
      {counts.documents > 0 && (
        <span className="row-docs" data-testid="tree-docs" title={`${counts.documents} documents classified here`}>
          {counts.documents} doc{counts.documents === 1 ? "" : "s"}
        </span>
      )}
      {counts.pending > 0 && (
        <button
          type="button"
          className="row-pending"
          data-testid="tree-pending"
          data-count={counts.pending}
          tabIndex={-1}
          title={`${counts.pending} to review: show this subtree's queue`}
          onClick={(e) => {
            e.stopPropagation();
            onReview?.(counts.key);
          }}
        >
          {counts.pending} to review
        </button>
      )}
    </>
  );
}

/** A DOM id for a row id (which contains a control character). */
export function domId(rowId: string): string {
  let h = 0;
  for (let i = 0; i < rowId.length; i++) h = (Math.imul(h, 31) + rowId.charCodeAt(i)) | 0;
  return `row-${(h >>> 0).toString(36)}-${rowId.length}`;
}
