// The focus view's keys on the window (review/keys.ts maps them). Registered in the capture phase
// and marked handled (preventDefault), so the draft's own Ctrl+Z — which skips handled events —
// does not also undo a draft step while a review decision is undone.
import { useEffect, useRef } from "react";
import { reviewKeyAction, type ReviewKeyAction } from "../review/keys";

export function useReviewKeys(enabled: boolean, onAction: (a: ReviewKeyAction) => void) {
  const handler = useRef(onAction);
  handler.current = onAction;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      // A held key would decide item after item.
      if (e.repeat || e.defaultPrevented) return;
      const action = reviewKeyAction(e);
      if (!action) return;
      e.preventDefault();
      handler.current(action);
    };
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  }, [enabled]);
}
