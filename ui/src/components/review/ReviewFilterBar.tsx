// Which items the review view works on (both modes): categories whose subtrees count (a click on
// a tree count sets one), the reason, a confidence range and the order.
import { useEffect, useState } from "react";
import type { Reason, ReviewFilter, ReviewOrder } from "../../bindings";
import { isFiltered, NO_FILTER } from "../../hooks/useReview";
import { REASON_LABEL } from "../../review/text";
import { FindBox } from "../FindBox";

const REASONS = Object.keys(REASON_LABEL) as Reason[];

const ORDERS: { id: ReviewOrder; label: string }[] = [
  { id: "uncertainty", label: "most uncertain first" },
  { id: "oldest", label: "oldest first" },
  { id: "impact", label: "largest impact first" },
];

export function ReviewFilterBar({
  filter,
  onFilter,
  order,
  onOrder,
  head,
  labelOf,
}: {
  filter: ReviewFilter;
  onFilter(f: ReviewFilter): void;
  order: ReviewOrder;
  onOrder(o: ReviewOrder): void;
  head: number | null;
  labelOf(key: string): string;
}) {
  return (
    <div className="review-filter" data-testid="review-filter">
      <span className="review-under">
        {filter.under.map((k) => (
          <span key={k} className="chip" data-testid="review-under-chip" data-key={k}>
            under {labelOf(k)} <span className="key">{k}</span>
            <button
              type="button"
              className="chip-remove"
              aria-label={`Remove ${k} from the filter`}
              data-testid="review-under-remove"
              onClick={() => onFilter({ ...filter, under: filter.under.filter((x) => x !== k) })}
            >
              ×
            </button>
          </span>
        ))}
        <FindBox
          version={head}
          testId="review-under-find"
          placeholder="Limit to a category…"
          limit={20}
          onPick={(hit) => {
            if (!filter.under.includes(hit.key)) onFilter({ ...filter, under: [...filter.under, hit.key] });
          }}
        />
      </span>
      <label>
        Reason{" "}
        <select
          data-testid="review-reason-filter"
          value={filter.reason ?? ""}
          onChange={(e) => onFilter({ ...filter, reason: e.target.value === "" ? null : (e.target.value as Reason) })}
        >
          <option value="">any</option>
          {REASONS.map((r) => (
            <option key={r} value={r}>
              {REASON_LABEL[r]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Confidence{" "}
        <ConfidenceInput testId="review-min-confidence" value={filter.min_confidence} onChange={(v) => onFilter({ ...filter, min_confidence: v })} />
        {" – "}
        <ConfidenceInput testId="review-max-confidence" value={filter.max_confidence} onChange={(v) => onFilter({ ...filter, max_confidence: v })} />
      </label>
      <label>
        Order{" "}
        <select data-testid="review-order" value={order} onChange={(e) => onOrder(e.target.value as ReviewOrder)}>
          {ORDERS.map((o) => (
            <option key={o.id} value={o.id}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      {isFiltered(filter) && (
        <button type="button" className="small" data-testid="review-filter-clear" onClick={() => onFilter(NO_FILTER)}>
          Clear
        </button>
      )}
    </div>
  );
}

/** A confidence bound in [0, 1]; empty is none. The text is kept as typed ("0." stays "0."). */
function ConfidenceInput({ value, onChange, testId }: { value: number | null; onChange(v: number | null): void; testId: string }) {
  const [text, setText] = useState(value === null ? "" : String(value));
  // A value set from outside (Clear, a tree click) replaces the text; one typed here keeps it.
  useEffect(() => {
    setText((t) => {
      const typed = t.trim() === "" ? null : Number(t);
      return typed === value ? t : value === null ? "" : String(value);
    });
  }, [value]);
  const n = Number(text);
  const invalid = text.trim() !== "" && !(Number.isFinite(n) && n >= 0 && n <= 1);
  return (
    <input
      className={invalid ? "narrow invalid" : "narrow"}
      data-testid={testId}
      inputMode="decimal"
      placeholder={testId.includes("min") ? "0" : "1"}
      aria-invalid={invalid}
      title="A confidence between 0 and 1"
      value={text}
      onChange={(e) => {
        const t = e.target.value;
        setText(t);
        const v = Number(t);
        if (t.trim() === "") onChange(null);
        else if (Number.isFinite(v) && v >= 0 && v <= 1) onChange(v);
      }}
    />
  );
}
