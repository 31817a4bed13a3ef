// Keyboard type-ahead on the visible rows: typed characters accumulate for a short while and
// select the next row whose label starts with them.

export const TYPE_AHEAD_RESET_MS = 700;

export type TypeAhead = { buffer: string; at: number };

export const initialTypeAhead: TypeAhead = { buffer: "", at: -Infinity };

/** The buffer after typing `ch` at time `now` (ms): reset when the previous key is too old. */
export function typeChar(state: TypeAhead, ch: string, now: number, resetMs = TYPE_AHEAD_RESET_MS): TypeAhead {
  const fresh = now - state.at > resetMs;
  return { buffer: (fresh ? "" : state.buffer) + ch.toLowerCase(), at: now };
}

/** A key event that should feed the type-ahead: one printable character, no modifier but Shift. */
export function isTypeAheadKey(e: { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean }): boolean {
  return e.key.length === 1 && e.key !== " " && !e.ctrlKey && !e.metaKey && !e.altKey;
}

/**
 * The index of the row to select for `buffer`, searching from `current` (the selected index, -1 for
 * none) and wrapping around; -1 when no label matches.
 *
 * A single character (or the same character repeated, "aaa") moves to the *next* match, so typing
 * it again cycles; a longer prefix first tries the current row, so typing "ca" then "t" stays on
 * "cat" if it is selected.
 */
export function findMatch(labels: readonly string[], buffer: string, current: number): number {
  const n = labels.length;
  if (n === 0 || buffer === "") return -1;
  const repeated = [...buffer].every((c) => c === buffer[0]);
  const prefix = repeated ? buffer[0] : buffer;
  const start = repeated ? current + 1 : Math.max(current, 0);
  for (let i = 0; i < n; i++) {
    const idx = (((start + i) % n) + n) % n;
    if (labels[idx].toLowerCase().startsWith(prefix)) return idx;
  }
  return -1;
}

