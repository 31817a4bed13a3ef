import { describe, expect, it } from "vitest";
import { describeVersion, formatDateTime, formatElapsed, formatMs, plural } from "./format";
import { VERSIONS } from "./test/fixtures";

describe("format", () => {
  it("formats durations", () => {
    expect(formatMs(0.42)).toBe("0.4 ms");
    expect(formatMs(45.4)).toBe("45 ms");
    expect(formatMs(1234)).toBe("1.23 s");
    expect(formatMs(125_000)).toBe("2 min 5 s");
    expect(formatMs(Number.NaN)).toBe("–");
    expect(formatElapsed(2999)).toBe("2 s");
  });

  it("formats dates in local time and leaves garbage alone", () => {
    const d = new Date(2025, 10, 25, 9, 5, 3);
    expect(formatDateTime(d.toISOString())).toBe("2025-11-25 09:05:03");
    expect(formatDateTime("not a date")).toBe("not a date");
  });

  it("describes a version on one line", () => {
    const s = describeVersion(VERSIONS[2]);
    expect(s.startsWith("v3 · edit · alice · message 3 · 2025-11-23")).toBe(true);
    expect(describeVersion({ ...VERSIONS[2], restored_from: 1 })).toContain("restores v1");
    expect(plural(1, "node")).toBe("1 node");
    expect(plural(2, "child", "children")).toBe("2 children");
  });
});
