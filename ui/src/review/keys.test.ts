import { describe, expect, it } from "vitest";
import { reviewKeyAction, type KeyPress } from "./keys";

function press(key: string, target: EventTarget | null = document.body, mods: Partial<KeyPress> = {}): KeyPress {
  return { key, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, target, ...mods };
}

function el(html: string): HTMLElement {
  const host = document.createElement("div");
  host.innerHTML = html;
  document.body.appendChild(host);
  return host.querySelector("[data-t]") as HTMLElement;
}

describe("review keys", () => {
  it("maps one key per decision", () => {
    expect(reviewKeyAction(press("a"))).toEqual({ kind: "accept", index: 0 });
    expect(reviewKeyAction(press("A"))).toEqual({ kind: "accept", index: 0 });
    expect(reviewKeyAction(press("Enter"))).toEqual({ kind: "accept", index: 0 });
    expect(reviewKeyAction(press("1"))).toEqual({ kind: "accept", index: 0 });
    expect(reviewKeyAction(press("2"))).toEqual({ kind: "accept", index: 1 });
    expect(reviewKeyAction(press("9"))).toEqual({ kind: "accept", index: 8 });
    expect(reviewKeyAction(press("x"))).toEqual({ kind: "reject" });
    expect(reviewKeyAction(press("r"))).toEqual({ kind: "reassign" });
    expect(reviewKeyAction(press(" "))).toEqual({ kind: "skip" });
    expect(reviewKeyAction(press("z", document.body, { ctrlKey: true }))).toEqual({ kind: "undo" });
    expect(reviewKeyAction(press("Z", document.body, { metaKey: true }))).toEqual({ kind: "undo" });
  });

  it("leaves other keys and chords alone", () => {
    for (const k of ["0", "b", "Escape", "ArrowDown", "Tab", "F2", "Delete"]) expect(reviewKeyAction(press(k))).toBeNull();
    expect(reviewKeyAction(press("a", document.body, { ctrlKey: true }))).toBeNull();
    expect(reviewKeyAction(press("z", document.body, { ctrlKey: true, shiftKey: true }))).toBeNull();
    expect(reviewKeyAction(press("x", document.body, { altKey: true }))).toBeNull();
    expect(reviewKeyAction(press("z"))).toBeNull();
  });

  it("never fires while typing", () => {
    for (const html of [
      '<input data-t type="text">',
      '<input data-t type="search">',
      '<input data-t type="number">',
      '<input data-t type="range">',
      "<textarea data-t></textarea>",
      "<select data-t><option>a</option></select>",
      '<div data-t contenteditable="true"></div>',
    ]) {
      const target = el(html);
      for (const k of ["a", "1", "x", "r", " ", "Enter"]) expect(reviewKeyAction(press(k, target)), `${k} in ${html}`).toBeNull();
      expect(reviewKeyAction(press("z", target, { ctrlKey: true })), `Ctrl+Z in ${html}`).toBeNull();
    }
    // A checkbox is not a text field.
    expect(reviewKeyAction(press("a", el('<input data-t type="checkbox">')))).toEqual({ kind: "accept", index: 0 });
  });

  it("never fires in the tree or in a dialog, which own their keys", () => {
    const inTree = el('<div role="tree"><div data-t role="treeitem">x</div></div>');
    expect(reviewKeyAction(press("a", inTree))).toBeNull();
    expect(reviewKeyAction(press("Enter", inTree))).toBeNull();
    const inDialog = el('<div role="dialog"><button data-t>ok</button></div>');
    expect(reviewKeyAction(press("x", inDialog))).toBeNull();
  });

  it("lets a focused button keep Enter and Space (they click it) but not the letter keys", () => {
    const button = el("<button data-t>Accept</button>");
    expect(reviewKeyAction(press("Enter", button))).toBeNull();
    expect(reviewKeyAction(press(" ", button))).toBeNull();
    expect(reviewKeyAction(press("a", button))).toEqual({ kind: "accept", index: 0 });
    expect(reviewKeyAction(press("z", button, { ctrlKey: true }))).toEqual({ kind: "undo" });
  });
});
