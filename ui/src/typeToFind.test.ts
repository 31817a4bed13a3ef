import { describe, expect, it } from "vitest";
import { findMatch, initialTypeAhead, isTypeAheadKey, typeChar } from "./typeToFind";

const labels = ["Animal", "Cat", "cattle", "Dog", "Cow", "Plant"];

describe("typeToFind", () => {
  it("accumulates characters and resets after the pause", () => {
    let s = typeChar(initialTypeAhead, "C", 1000);
    s = typeChar(s, "a", 1300);
    expect(s.buffer).toBe("ca");
    s = typeChar(s, "t", 1300 + 701);
    expect(s.buffer).toBe("t");
  });

  it("jumps to the next row whose label starts with the typed text (case-insensitive)", () => {
    expect(findMatch(labels, "d", 0)).toBe(3);
    expect(findMatch(labels, "p", -1)).toBe(5);
    expect(findMatch(labels, "z", 2)).toBe(-1);
  });

  it("cycles through matches when the same letter is typed again, wrapping around", () => {
    expect(findMatch(labels, "c", 0)).toBe(1);
    expect(findMatch(labels, "c", 1)).toBe(2);
    expect(findMatch(labels, "cc", 2)).toBe(4);
    expect(findMatch(labels, "c", 4)).toBe(1);
  });

  it("keeps the current row while a longer prefix still matches it", () => {
    expect(findMatch(labels, "ca", 1)).toBe(1);
    expect(findMatch(labels, "catt", 1)).toBe(2);
    expect(findMatch(labels, "co", 1)).toBe(4);
  });

  it("only feeds printable keys without modifiers", () => {
    const k = (key: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({
      key,
      ctrlKey: false,
      metaKey: false,
      altKey: false,
      ...mods,
    });
    expect(isTypeAheadKey(k("a"))).toBe(true);
    expect(isTypeAheadKey(k("A"))).toBe(true);
    expect(isTypeAheadKey(k("ArrowDown"))).toBe(false);
    expect(isTypeAheadKey(k("z", { ctrlKey: true }))).toBe(false);
    expect(isTypeAheadKey(k(" "))).toBe(false);
  });
});
