// The reviewer's last ten decisions; a click undoes one, and its item becomes the current one again.
import type { RecentDecision } from "../../bindings";
import { decisionText } from "../../review/text";

export function RecentSidebar({ recent, onUndo }: { recent: readonly RecentDecision[]; onUndo(decision: number): void }) {
  return (
    <aside className="review-recent" data-testid="review-recent" aria-label="Your recent decisions">
      <h4>Recent decisions</h4>
      {recent.length === 0 && <p className="muted">None yet.</p>}
      <ul className="plain">
        {recent.map((d) => (
          <li key={d.decision_id}>
            <button
              type="button"
              className="link review-recent-entry"
              data-testid="review-recent-entry"
              data-decision={d.decision_id}
              data-item={d.item}
              data-action={d.action}
              title="Undo this decision and review the item again"
              onClick={() => onUndo(d.decision_id)}
            >
              <span className="review-recent-title">{d.title}</span>
              <span className="muted"> {decisionText(d)}</span>
            </button>
          </li>
        ))}
      </ul>
    </aside>
  );
}
