// One queue item as the focus view shows it: the document (its excerpt with the words it shares
// with the top suggestion marked), why it is in the queue, and each suggestion with its digit,
// confidence bar, every path to a root and why it is suggested.
import { useMemo } from "react";
import type { ReviewItem, ReviewSuggestion } from "../../bindings";
import { highlight, suggestionTerms } from "../../review/highlight";
import { pct, REASON_LABEL, reasonText, whyText } from "../../review/text";

export function FocusItem({ item, labelOf }: { item: ReviewItem; labelOf(key: string): string }) {
  const top = item.suggestions[0];
  const pieces = useMemo(() => highlight(item.excerpt, suggestionTerms(top, labelOf)), [item.excerpt, top, labelOf]);
  return (
    <article className="review-item" data-testid="review-current" data-item={item.id} data-document={item.document}>
      <header className="review-item-head">
        <h3 data-testid="review-title">{item.title}</h3>
        <span className="key">{item.document}</span>
        <span className={`badge reason-${item.reason}`} data-testid="review-reason" data-reason={item.reason}>
          {REASON_LABEL[item.reason]}
        </span>
      </header>
      <p className="muted review-why-queued">{reasonText(item)}</p>
      {item.current.length > 0 && (
        <p className="review-current-cats" data-testid="review-current-categories">
          Classified now under: {item.current.map((k) => labelOf(k)).join(", ")}
        </p>
      )}
      <blockquote className="review-excerpt" data-testid="review-excerpt">
        {pieces.map((p, i) => (p.hit ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}
        {item.excerpt === "" && <em className="muted">(no text)</em>}
      </blockquote>
      {item.suggestions.length === 0 ? (
        <p className="muted" data-testid="review-no-suggestions">
          No suggestions: press r to choose the categories, or x to reject.
        </p>
      ) : (
        <ol className="review-suggestions" data-testid="review-suggestions">
          {item.suggestions.slice(0, 9).map((s, i) => (
            <Suggestion key={s.category} s={s} n={i + 1} labelOf={labelOf} />
          ))}
        </ol>
      )}
    </article>
  );
}

function Suggestion({ s, n, labelOf }: { s: ReviewSuggestion; n: number; labelOf(key: string): string }) {
  const label = (k: string) => (k === s.category ? s.label : labelOf(k));
  return (
    <li className="review-suggestion" data-testid="review-suggestion" data-key={s.category} data-n={n}>
      <div className="review-suggestion-line">
        <kbd title={`Press ${n} to accept`}>{n}</kbd>
        <b>{s.label}</b> <span className="key">{s.category}</span>
        <span className="confidence-bar" aria-hidden="true">
          <span style={{ width: `${Math.round(Math.max(0, Math.min(1, s.confidence)) * 100)}%` }} />
        </span>
        <span className="confidence" data-testid="review-confidence">
          {pct(s.confidence)}
        </span>
      </div>
      <div className="muted review-suggestion-why" data-testid="review-suggestion-why">
        {whyText(s)}
      </div>
      {s.paths.length > 0 && (
        <ul className="plain review-paths" data-testid="review-paths">
          {s.paths.map((p) => (
            <li key={p.join("/")} title={p.join(" › ")}>
              {p.map(label).join(" › ")}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}
