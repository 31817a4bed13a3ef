// Bulk mode: every item the filter matches in a virtualised table (pages read as they scroll into
// view), "select all matching", the count a bulk accept would take (a dry run) and the accept —
// with the confidence floor's refusal shown and an explicit "accept anyway".
import { useEffect, useRef } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import { LIMITS } from "../../bindings";
import type { BulkReview } from "../../hooks/useBulkReview";
import { pct, REASON_LABEL } from "../../review/text";

const ROW = 28;

export function BulkMode({ bulk, onOpen }: { bulk: BulkReview; onOpen(item: number): void }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const count = bulk.total ?? 0;
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW,
    overscan: 10,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;
  const { showRows } = bulk;
  useEffect(() => {
    if (last >= first) showRows(first, last);
  }, [first, last, showRows]);

  const floor = LIMITS.review_bulk_floor;
  return (
    <div className="review-bulk" data-testid="review-bulk">
      <div className="toolbar-row bulk-actions">
        <label>
          <input
            type="checkbox"
            data-testid="bulk-select-all"
            checked={bulk.allSelected}
            disabled={count === 0 || bulk.working}
            onChange={(e) => bulk.selectAll(e.target.checked)}
          />{" "}
          Select all {bulk.total ?? "…"}
          {bulk.totalExact ? "" : "+"} matching
        </label>
        {bulk.allSelected && bulk.preview && (
          <>
            <span data-testid="bulk-preview" data-matched={bulk.preview.matched}>
              Accepts the top suggestion of {bulk.preview.matched} item{bulk.preview.matched === 1 ? "" : "s"}.
            </span>
            <button type="button" className="primary" data-testid="bulk-accept" disabled={bulk.working || bulk.preview.matched === 0} onClick={() => void bulk.accept(false)}>
              Accept {bulk.preview.matched}
            </button>
          </>
        )}
        {bulk.allSelected && bulk.refused && (
          <>
            <span className="warn" data-testid="bulk-refused" data-below={bulk.refused.below_floor}>
              {bulk.refused.below_floor} of the {bulk.refused.matched} matching items have a top confidence below {pct(floor)}: narrow the
              filter (a minimum confidence), or
            </span>
            <button type="button" className="danger" data-testid="bulk-accept-anyway" disabled={bulk.working} onClick={() => void bulk.accept(true)}>
              Accept all {bulk.refused.matched} anyway
            </button>
          </>
        )}
      </div>
      {bulk.error && (
        <p className="error-inline" role="alert" data-testid="bulk-error">
          {bulk.error.message}
        </p>
      )}
      {bulk.result && (
        <p className="result" data-testid="bulk-result">
          Accepted the top suggestion of {bulk.result.accepted} item{bulk.result.accepted === 1 ? "" : "s"}.
        </p>
      )}
      <div className="bulk-head" role="row">
        <span>Document</span>
        <span>Reason</span>
        <span>Top suggestion</span>
        <span className="num">Confidence</span>
      </div>
      <div className="bulk-scroll" ref={scrollRef} data-testid="bulk-table" role="grid" aria-rowcount={count}>
        {bulk.total === 0 && (
          <p className="muted" data-testid="bulk-empty">
            Nothing to review matches the filter.
          </p>
        )}
        <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
          {items.map((v) => {
            const item = bulk.rowAt(v.index);
            const top = item?.suggestions[0];
            return (
              <div
                key={v.key}
                className="bulk-row"
                role="row"
                data-testid="bulk-row"
                data-item={item?.id}
                style={{ transform: `translateY(${v.start}px)`, height: ROW }}
                tabIndex={item ? 0 : -1}
                title={item ? "Double click or Enter: review it in focus mode" : undefined}
                onDoubleClick={() => item && onOpen(item.id)}
                onKeyDown={(e) => {
                  if (e.key === "Enter" && item) onOpen(item.id);
                }}
              >
                {item ? (
                  <>
                    <span className="bulk-title">
                      {item.title} <span className="key">{item.document}</span>
                    </span>
                    <span>{REASON_LABEL[item.reason]}</span>
                    <span>{top ? <>{top.label} <span className="key">{top.category}</span></> : <em className="muted">none</em>}</span>
                    <span className={`num${item.top_confidence < floor ? " warn" : ""}`}>{pct(item.top_confidence)}</span>
                  </>
                ) : (
                  <span className="muted">loading…</span>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
