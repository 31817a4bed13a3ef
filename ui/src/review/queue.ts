// The focus view's local queue: the current item first, then the ones fetched ahead. Pure list
// operations, so prefetching and undo can be reasoned about (and tested) apart from React.
import type { ReviewItem } from "../bindings";

/** How many items `review_next` is asked for at a time, and when to ask for more. */
export const PREFETCH = 5;
export const LOW_WATER = 3;

/**
 * `queue` with the fetched items it does not hold appended in their order; ids in `skip` (items
 * being decided right now) are left out, so an item never comes back while its decision is in
 * flight.
 */
export function mergeFetched(queue: readonly ReviewItem[], fetched: readonly ReviewItem[], skip: ReadonlySet<number>): ReviewItem[] {
  const have = new Set(queue.map((i) => i.id));
  const fresh = fetched.filter((i) => !have.has(i.id) && !skip.has(i.id));
  return fresh.length === 0 ? [...queue] : [...queue, ...fresh];
}

/** `item` as the current one (moved to the front if it was further back). */
export function putFirst(queue: readonly ReviewItem[], item: ReviewItem): ReviewItem[] {
  return [item, ...queue.filter((i) => i.id !== item.id)];
}

export function without(queue: readonly ReviewItem[], id: number): ReviewItem[] {
  return queue.filter((i) => i.id !== id);
}
