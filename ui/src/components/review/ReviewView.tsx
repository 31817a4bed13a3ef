// The Review tab: the metrics strip, the filter, and focus mode (one item at a time, by keyboard)
// or bulk mode (a table and a bulk accept). State: hooks/useReview (shared with the tree),
// useReviewQueue, useReviewStats, useBulkReview.
import { useRef, useEffect } from "react";
import type { ReviewShared } from "../../hooks/useReview";
import { isFiltered } from "../../hooks/useReview";
import { useBulkReview } from "../../hooks/useBulkReview";
import { useReviewQueue } from "../../hooks/useReviewQueue";
import { useReviewStats } from "../../hooks/useReviewStats";
import { BulkMode } from "./BulkMode";
import { FocusMode } from "./FocusMode";
import { ReviewFilterBar } from "./ReviewFilterBar";
import { ReviewMetrics } from "./ReviewMetrics";

export function ReviewView({
  review,
  active,
  ready,
  head,
  labelOf,
}: {
  review: ReviewShared;
  /** The tab is shown. */
  active: boolean;
  ready: boolean;
  head: number | null;
  labelOf(key: string): string;
}) {
  const { filter, order, mode } = review;
  const queue = useReviewQueue({
    active: active && mode === "focus",
    ready,
    filter,
    order,
    queueKey: review.queueKey,
    onChanged: review.countsChanged,
  });
  const metrics = useReviewStats({ active, ready, countsKey: review.countsKey, onClassified: review.queueChanged });
  const bulk = useBulkReview({
    active: active && mode === "bulk",
    ready,
    filter,
    order,
    countsKey: review.countsKey,
    onAccepted: review.queueChanged,
  });
  const panel = useRef<HTMLDivElement>(null);

  // Opening the tab puts the focus in it, so the decision keys work at once.
  useEffect(() => {
    if (active && mode === "focus") panel.current?.focus();
  }, [active, mode]);

  if (!ready) {
    return (
      <div className="panel review-panel" data-testid="review-panel">
        <p className="muted" data-testid="review-no-database">
          Not connected to a database: nothing to review.
        </p>
      </div>
    );
  }

  return (
    <div className="panel review-panel" data-testid="review-panel" ref={panel} tabIndex={-1}>
      <ReviewMetrics m={metrics} ready={ready} />
      <div className="toolbar-row review-modes" role="radiogroup" aria-label="Review mode">
        {(["focus", "bulk"] as const).map((m) => (
          <button
            key={m}
            type="button"
            role="radio"
            aria-checked={mode === m}
            className={mode === m ? "tab active" : "tab"}
            data-testid={`review-mode-${m}`}
            onClick={() => review.setMode(m)}
          >
            {m === "focus" ? "One at a time" : "Table and bulk accept"}
          </button>
        ))}
      </div>
      <ReviewFilterBar filter={filter} onFilter={review.setFilter} order={order} onOrder={review.setOrder} head={head} labelOf={labelOf} />
      {mode === "focus" ? (
        <FocusMode
          queue={queue}
          active={active}
          head={head}
          filtered={isFiltered(filter)}
          onClearFilter={review.clearFilter}
          labelOf={labelOf}
        />
      ) : (
        <BulkMode
          bulk={bulk}
          onOpen={(id) => {
            void queue.open(id);
            review.setMode("focus");
          }}
        />
      )}
    </div>
  );
}
