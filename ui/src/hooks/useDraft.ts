// The draft: edits collected on the head (from the tree and the details), undo / discard, publish
// (Ctrl+Enter), a publish failure kept with the draft, and rebasing it onto a newer head.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { CommandError, Diff, EditOp, ErrorKind } from "../bindings";
import * as api from "../api";
import { addOps, describeOp, discard, draftOps, emptyDraft, pendingLabels, rebase, touchedKeys, undoLast, type Draft } from "../draft";
import { formatMs } from "../format";
import { isTextField } from "../services";
import type { Row } from "../tree/flatten";
import type { Shell } from "./useShell";
import type { Tab } from "./useTabs";
import { headOf, type Versions } from "./useVersions";

/** Whether a publish failure belongs to the draft (it is kept, and the failure is shown with it). */
export function isDraftFailure(kind: ErrorKind): boolean {
  switch (kind) {
    case "conflict":
    case "cycle":
    case "invalid_input":
    case "not_found":
      return true;
    case "busy":
    case "unavailable":
    case "unauthorized":
    case "embedding":
    case "io":
    case "internal":
      return false;
    default: {
      const unexpected: never = kind;
      return unexpected;
    }
  }
}

/** "; 3 documents sent to review" (nothing when none were). */
function sentToReview(n: number): string {
  return n === 0 ? "" : `; ${n} document${n === 1 ? "" : "s"} sent to review`;
}

export type PendingDelete = { key: string; label: string; childCount: number };

export type DraftState = ReturnType<typeof useDraft>;

export function useDraft({
  versions,
  run,
  report,
  setError,
  setStatusMessage,
  labelOf,
  openTab,
  onPublished,
}: Pick<Shell, "run" | "report" | "setError" | "setStatusMessage"> & {
  versions: Pick<Versions, "selected" | "head" | "editable" | "load">;
  labelOf(key: string): string;
  openTab(t: Tab): void;
  /** After a publish, once the versions were read again. */
  onPublished(): void;
}) {
  const { selected, head, editable, load: loadVersions } = versions;
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [message, setMessage] = useState("");
  const [failure, setFailure] = useState<CommandError | null>(null);
  const [publishing, setPublishing] = useState(false);
  const [preview, setPreview] = useState<Diff | null>(null);
  const [confirmDelete, setConfirmDelete] = useState<PendingDelete | null>(null);

  const readOnlyError = useCallback(
    () =>
      report({
        kind: "invalid_input",
        message:
          selected !== null && head !== null && selected !== head
            ? `read-only: version ${selected} is not the head; switch to v${head} to edit`
            : "not connected to a database",
        path: null,
        keys: null,
      } satisfies CommandError),
    [report, selected, head],
  );

  const addToDraft = useCallback(
    (ops: EditOp[]) => {
      if (!editable || head === null) return readOnlyError();
      if (ops.length === 0) return;
      setDraft((d) => addOps(d, ops, head));
      setFailure(null);
      setStatusMessage(`Draft: ${ops.map((op) => describeOp(op, labelOf)).join("; ")}`);
    },
    [editable, head, readOnlyError, labelOf, setStatusMessage],
  );

  /** Delete: at once for a leaf, after a confirmation (cascade) for a node with children. */
  const requestDelete = useCallback(
    (key: string, label: string, childCount: number) => {
      if (!editable) return readOnlyError();
      if (childCount > 0) setConfirmDelete({ key, label, childCount });
      else addToDraft([{ op: "delete", key, cascade: false }]);
    },
    [editable, readOnlyError, addToDraft],
  );

  const confirmCascade = useCallback(() => {
    if (confirmDelete) addToDraft([{ op: "delete", key: confirmDelete.key, cascade: true }]);
    setConfirmDelete(null);
  }, [confirmDelete, addToDraft]);

  const cancelDelete = useCallback(() => setConfirmDelete(null), []);

  /** A row dropped onto another: the target replaces the parent it was dragged from. */
  const onDropRow = useCallback(
    (dragged: Row, target: Row) => {
      if (!editable) return readOnlyError();
      if (target.id.split("\u001f").includes(dragged.key)) {
        report({
          kind: "cycle",
          message: `“${target.label}” is under “${dragged.label}”: it cannot become its parent`,
          path: [target.key, dragged.key, target.key],
          keys: null,
        } satisfies CommandError);
        return;
      }
      if (dragged.parentKey === target.key) {
        setStatusMessage(`“${dragged.label}” is already under “${target.label}”`);
        return;
      }
      const ops: EditOp[] = [{ op: "add_parent", key: dragged.key, parent: target.key }];
      if (dragged.parentKey !== null) ops.push({ op: "remove_parent", key: dragged.key, parent: dragged.parentKey });
      addToDraft(ops);
    },
    [editable, readOnlyError, report, addToDraft, setStatusMessage],
  );

  const undo = useCallback(() => {
    setDraft(undoLast);
    setFailure(null);
  }, []);

  const discardAll = useCallback(() => {
    setDraft(discard);
    setFailure(null);
  }, []);

  const publish = useCallback(async () => {
    if (draft.entries.length === 0 || draft.base === null || publishing) return;
    if (!editable) return readOnlyError();
    setPublishing(true);
    setFailure(null);
    try {
      const base = draft.base;
      const p = await run("Publishing…", () => api.publishEdits(base, draftOps(draft), message.trim()));
      setDraft(discard);
      setMessage("");
      await loadVersions("head");
      onPublished();
      setStatusMessage(
        p.version !== null
          ? `Published version ${p.version} in ${formatMs(p.elapsed_ms)}${sentToReview(p.impact.sent_to_review + p.impact.split_items)}`
          : "Nothing changed: no version was published",
      );
    } catch (e) {
      const ce = api.toCommandError(e);
      if (isDraftFailure(ce.kind)) {
        setFailure(ce);
        openTab("draft");
      }
      report(ce);
      if (ce.kind === "conflict") loadVersions().catch(() => undefined);
    } finally {
      setPublishing(false);
    }
  }, [draft, publishing, editable, readOnlyError, run, message, loadVersions, onPublished, setStatusMessage, report, openTab]);

  const rebaseOntoHead = useCallback(async () => {
    try {
      const vs = await loadVersions("head");
      const h = headOf(vs);
      if (h !== null) setDraft((d) => rebase(d, h));
      setFailure(null);
      setError(null);
    } catch (e) {
      report(e);
    }
  }, [loadVersions, report, setError]);

  // Ctrl+Z (outside text fields) and Ctrl+Enter anywhere.
  const keys = useRef({ publish, undo });
  keys.current = { publish, undo };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      // Handled already (the review view's Ctrl+Z, the category picker's Ctrl+Enter).
      if (!mod || e.defaultPrevented) return;
      if (e.key === "Enter") {
        e.preventDefault();
        void keys.current.publish();
      } else if ((e.key === "z" || e.key === "Z") && !e.shiftKey && !isTextField(document.activeElement)) {
        e.preventDefault();
        keys.current.undo();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const pending = useMemo(() => pendingLabels(draft), [draft]);
  const touched = useMemo(() => touchedKeys(draft), [draft]);

  return {
    draft,
    message,
    setMessage,
    failure,
    publishing,
    /** The preview of the draft (shown by the draft panel; highlights the tree on the draft tab). */
    preview,
    setPreview,
    pending,
    touched,
    confirmDelete,
    readOnlyError,
    addToDraft,
    requestDelete,
    confirmCascade,
    cancelDelete,
    onDropRow,
    undo,
    discard: discardAll,
    publish,
    rebase: rebaseOntoHead,
  };
}
