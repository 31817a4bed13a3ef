// A review queue in memory behind the mocked api: next/decide/skip/undo/item/recent behave like
// the library's (decided items leave the queue, undo puts them back, skip sends one to the end).
import type { Decision, DecisionOutcome, QueueRequest, ReviewItem, ReviewPage } from "../bindings";
import { recentDecision, reviewItem } from "./reviewFixtures";

export class FakeQueue {
  all: ReviewItem[];
  open: ReviewItem[];
  decisions: { id: number; item: number; action: string; accepted: string[] }[] = [];
  private seq = 100;

  constructor(n: number) {
    this.all = Array.from({ length: n }, (_, i) => reviewItem(i + 1));
    this.open = [...this.all];
  }

  next = async (req: QueueRequest): Promise<ReviewPage> => ({ total: this.open.length, total_exact: true, items: this.open.slice(0, req.limit ?? 50) });

  decide = async (item: number, d: Decision): Promise<DecisionOutcome> => {
    const it = this.all.find((i) => i.id === item)!;
    this.open = this.open.filter((i) => i.id !== item);
    const accepted =
      d.action === "accept" ? (d.categories.length > 0 ? d.categories : [it.suggestions[0].category]) : d.action === "reassign" ? d.to : [];
    const id = ++this.seq;
    this.decisions.push({ id, item, action: d.action, accepted });
    return { item, decision_id: id, action: d.action, accepted, rejected: [] };
  };

  skip = async (item: number): Promise<null> => {
    const it = this.open.find((i) => i.id === item)!;
    this.open = [...this.open.filter((i) => i.id !== item), it];
    return null;
  };

  undo = async (decision: number | null) => {
    const d = decision === null ? this.decisions[this.decisions.length - 1] : this.decisions.find((x) => x.id === decision);
    if (!d) throw { kind: "not_found", message: "decision of yours to undo not found", path: null, keys: null };
    this.decisions = this.decisions.filter((x) => x !== d);
    this.open = [this.all.find((i) => i.id === d.item)!, ...this.open];
    return { decision_id: d.id, item: d.item, action: d.action };
  };

  item = async (id: number): Promise<ReviewItem> => this.all.find((i) => i.id === id)!;

  recent = async () => [...this.decisions].reverse().map((d) => recentDecision(d.id, d.item, d.action, d.accepted));
}
