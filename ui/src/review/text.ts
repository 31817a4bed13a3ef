// The review view's wording: reasons, why a category is suggested, decisions, percentages.
import type { Reason, RecentDecision, ReviewItem, ReviewSuggestion } from "../bindings";

export function pct(x: number | null | undefined, digits = 0): string {
  return x === null || x === undefined || !Number.isFinite(x) ? "–" : `${(x * 100).toFixed(digits)} %`;
}

export const REASON_LABEL: Record<Reason, string> = {
  low_confidence: "low confidence",
  category_removed: "category removed",
  category_split: "category split",
  audit_sample: "audit sample",
};

/** Why the item is in the queue, in a sentence. */
export function reasonText(item: Pick<ReviewItem, "reason" | "context">): string {
  const ctx = item.context ? ` (${item.context})` : "";
  switch (item.reason) {
    case "low_confidence":
      return "The classifier was not sure enough to file it on its own.";
    case "category_removed":
      return `Its category was removed${ctx}: choose where it goes now.`;
    case "category_split":
      return `Its category gained children${ctx}: does it belong in one of them?`;
    case "audit_sample":
      return "Auto-accepted, picked at random to check the classifier's precision.";
    default: {
      const unexpected: never = item.reason;
      return unexpected;
    }
  }
}

/** Why one category is suggested. */
export function whyText(s: ReviewSuggestion): string {
  const parts: string[] = [];
  switch (s.method) {
    case "parent":
      parts.push("parent of the removed category");
      break;
    case "split":
      parts.push("new child of the split category");
      break;
    case "merge":
      parts.push("the removed category was merged into it");
      break;
    case "classifier":
      break;
    default:
      parts.push(s.method);
  }
  if (s.vote !== null) parts.push(`similar labelled documents ${pct(s.vote)}`);
  if (s.text_similarity !== null) parts.push(`description match ${s.text_similarity.toFixed(2)}`);
  return parts.join(" · ");
}

/** "accepted tech.db", "rejected", "reassigned to a, b". */
export function decisionText(d: Pick<RecentDecision, "action" | "accepted">): string {
  const to = d.accepted.join(", ");
  switch (d.action) {
    case "accept":
      return to ? `accepted ${to}` : "accepted";
    case "reject":
      return "rejected";
    case "reassign":
      return to ? `reassigned to ${to}` : "reassigned";
    default:
      return d.action;
  }
}
