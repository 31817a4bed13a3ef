// Focus mode: one item at a time, one key per decision (review/keys.ts), the next item shown at
// once; the reviewer's recent decisions beside it, each undoable with a click.
import { useCallback, useState } from "react";
import type { ReviewQueue } from "../../hooks/useReviewQueue";
import { useReviewKeys } from "../../hooks/useReviewKeys";
import { KEY_HELP, type ReviewKeyAction } from "../../review/keys";
import { CategoryPicker } from "./CategoryPicker";
import { FocusItem } from "./FocusItem";
import { RecentSidebar } from "./RecentSidebar";

export function FocusMode({
  queue,
  active,
  head,
  filtered,
  onClearFilter,
  labelOf,
}: {
  queue: ReviewQueue;
  /** Shown: the keys work only then. */
  active: boolean;
  head: number | null;
  filtered: boolean;
  onClearFilter(): void;
  labelOf(key: string): string;
}) {
  const [picking, setPicking] = useState(false);
  const { current } = queue;

  const onAction = useCallback(
    (a: ReviewKeyAction) => {
      switch (a.kind) {
        case "accept":
          return queue.accept(a.index);
        case "reject":
          return queue.reject();
        case "reassign":
          if (queue.current) setPicking(true);
          return;
        case "skip":
          return queue.skip();
        case "undo":
          return void queue.undo(null);
        default: {
          const unexpected: never = a;
          return unexpected;
        }
      }
    },
    [queue],
  );
  useReviewKeys(active && !picking, onAction);

  return (
    <div className="review-focus" data-testid="review-focus">
      <div className="review-focus-main">
        {queue.notice && (
          <p className={`review-notice ${queue.notice.kind}`} role="status" data-testid="review-notice" data-kind={queue.notice.kind}>
            {queue.notice.text}
          </p>
        )}
        {current ? (
          <>
            <FocusItem item={current} labelOf={labelOf} />
            <div className="review-actions">
              <button type="button" className="primary" data-testid="review-accept" onClick={() => queue.accept(0)} disabled={current.suggestions.length === 0}>
                Accept top (a)
              </button>
              <button type="button" data-testid="review-reject" onClick={queue.reject}>
                Reject (x)
              </button>
              <button type="button" data-testid="review-reassign" onClick={() => setPicking(true)}>
                Reassign… (r)
              </button>
              <button type="button" data-testid="review-skip" onClick={queue.skip}>
                Skip (Space)
              </button>
              <button type="button" data-testid="review-undo" onClick={() => void queue.undo(null)}>
                Undo (Ctrl+Z)
              </button>
              <span className="spacer" />
              <span className="muted" data-testid="review-left">
                {queue.total !== null ? `${queue.total}${queue.totalExact ? "" : "+"} left` : ""}
              </span>
            </div>
            <p className="muted key-help">{KEY_HELP}</p>
          </>
        ) : queue.loadError ? (
          <div className="review-empty" data-testid="review-load-error">
            <p className="error-inline">Could not read the review queue: {queue.loadError.message}</p>
            <button type="button" data-testid="review-retry" onClick={queue.retry}>
              Retry
            </button>
          </div>
        ) : !queue.loaded || queue.busy ? (
          <p className="muted" data-testid="review-loading">
            Loading the queue…
          </p>
        ) : (
          <div className="review-empty" data-testid="review-empty">
            <p>
              <b>Nothing to review</b>
              {filtered ? " matching the filter." : "."}
            </p>
            {filtered && (
              <button type="button" data-testid="review-clear-filter" onClick={onClearFilter}>
                Show the whole queue
              </button>
            )}
            <p className="muted">Ctrl+Z brings back your last decision.</p>
          </div>
        )}
      </div>
      <RecentSidebar recent={queue.recent} onUndo={(d) => void queue.undo(d)} />
      {picking && current && (
        <CategoryPicker
          version={head}
          title={`Reassign “${current.title}”`}
          onCancel={() => setPicking(false)}
          onConfirm={(keys) => {
            setPicking(false);
            queue.reassign(keys);
          }}
        />
      )}
    </div>
  );
}
