// The focus view's keyboard: one key per decision. Pure, so the mapping (and when it must not
// fire) is tested without a DOM of the whole view.
import { isTextField } from "../services";

export type ReviewKeyAction =
  /** Accept suggestion `index` (0: the top one). */
  | { kind: "accept"; index: number }
  | { kind: "reject" }
  | { kind: "reassign" }
  | { kind: "skip" }
  | { kind: "undo" };

/** What a key press needs: the key, the modifiers and where it happened. */
export type KeyPress = Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "altKey" | "shiftKey"> & {
  target: EventTarget | null;
};

/** Whether focus is somewhere that owns its keys: a text field, the tree, or a dialog. */
export function ownsKeys(el: Element | null): boolean {
  if (!el) return false;
  if (isTextField(el)) return true;
  // isContentEditable also covers inherited editing, but not every DOM (jsdom) implements it.
  return el.closest('[role="tree"], [role="dialog"], [role="listbox"], [contenteditable]:not([contenteditable="false"])') !== null;
}

/** Elements whose Enter / Space the browser turns into a click: those keys stay theirs. */
function activates(el: Element | null): boolean {
  return !!el && el.closest("button, a[href], select, summary, [role='button'], [role='tab']") !== null;
}

/**
 * The action of a key press in the focus view, or null (not ours: the browser or another part of
 * the window handles it). `a`/Enter accept the top suggestion, `1`–`9` suggestion n, `x` rejects,
 * `r` reassigns, Space skips, Ctrl/Cmd+Z undoes. Nothing fires while typing or in the tree.
 */
export function reviewKeyAction(e: KeyPress): ReviewKeyAction | null {
  const target = e.target instanceof Element ? e.target : null;
  if (ownsKeys(target)) return null;
  const mod = e.ctrlKey || e.metaKey;
  if (mod) {
    return !e.altKey && !e.shiftKey && (e.key === "z" || e.key === "Z") ? { kind: "undo" } : null;
  }
  if (e.altKey) return null;
  switch (e.key) {
    case "a":
    case "A":
      return { kind: "accept", index: 0 };
    case "Enter":
      return activates(target) ? null : { kind: "accept", index: 0 };
    case "x":
    case "X":
      return { kind: "reject" };
    case "r":
    case "R":
      return { kind: "reassign" };
    case " ":
    case "Spacebar":
      return activates(target) ? null : { kind: "skip" };
  }
  if (/^[1-9]$/.test(e.key)) return { kind: "accept", index: Number(e.key) - 1 };
  return null;
}

/** The key hints shown under the item. */
export const KEY_HELP = "a / Enter accept the top suggestion · 1–9 accept suggestion n · x reject · r reassign · Space skip · Ctrl+Z undo";
