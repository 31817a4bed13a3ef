import type { RecentDecision, ReviewItem, ReviewStats, ReviewSuggestion } from "../bindings";

const lastPart = (key: string) => key.slice(key.lastIndexOf(".") + 1);

export function suggestion(category: string, confidence: number, over: Partial<ReviewSuggestion> = {}): ReviewSuggestion {
  return {
    category,
    label: lastPart(category).replace(/^./, (c) => c.toUpperCase()),
    confidence,
    method: "classifier",
    vote: confidence,
    text_similarity: 0.5,
    paths: [["knowledge", ...category.split(".").map((_, i, all) => all.slice(0, i + 1).join("."))]],
    ...over,
  };
}

export function reviewItem(id: number, over: Partial<ReviewItem> = {}): ReviewItem {
  return {
    id,
    document: `sample/inbox/doc-${id}`,
    title: `Document ${id}`,
    excerpt: `The text of document ${id} about physics.`,
    reason: "low_confidence",
    status: "open",
    top_confidence: 0.56,
    margin: 0.3,
    impact: 1,
    created_at: "2025-01-01T00:00:00Z",
    lease_owner: "tester",
    lease_until: null,
    context: null,
    current: [],
    suggestions: [suggestion("science.physics", 0.56), suggestion("science.math", 0.2), suggestion("tech.db", 0.02)],
    ...over,
  };
}

export function recentDecision(decision_id: number, item: number, action = "accept", accepted = ["science.physics"]): RecentDecision {
  return { decision_id, item, document: `sample/inbox/doc-${item}`, title: `Document ${item}`, action, at: "2025-01-01T00:00:00Z", accepted };
}

export const STATS: ReviewStats = {
  pending: 12,
  pending_by_reason: [{ reason: "low_confidence", count: 12 }],
  decided_today: 3,
  decided_total: 5,
  classified_documents: 12,
  queued_documents: 12,
  hitl_rate: 1,
  audit_decided: 4,
  audit_confirmed: 3,
  measured_precision: 0.75,
  last_run: {
    run: 1,
    model: "all-MiniLM-L6-v2",
    started_at: "2025-01-01T00:00:00Z",
    finished_at: "2025-01-01T00:00:01Z",
    target_precision: 0.9,
    threshold: null,
    estimated_precision: null,
    documents: 12,
    auto_accepted: 0,
    queued: 12,
    curve: [
      { threshold: 0, coverage: 1, precision: 0.34, hitl_rate: 0, accepted: 1000 },
      { threshold: 0.5, coverage: 0.97, precision: 0.6, hitl_rate: 0.03, accepted: 970 },
      { threshold: 0.7, coverage: 0.18, precision: 0.83, hitl_rate: 0.82, accepted: 180 },
      { threshold: 1, coverage: 0, precision: 1, hitl_rate: 1, accepted: 0 },
    ],
  },
};
