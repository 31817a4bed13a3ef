import { describe, expect, it } from "vitest";
import type { CurvePoint } from "../bindings";
import { clampTarget, dialPoint } from "./dial";

const pt = (threshold: number, precision: number, coverage: number): CurvePoint => ({
  threshold,
  precision,
  coverage,
  hitl_rate: 1 - coverage,
  accepted: Math.round(coverage * 1000),
});

// Not monotonic, as real held-out curves are not.
const CURVE = [pt(0, 0.34, 1), pt(0.25, 0.59, 0.97), pt(0.5, 0.6, 0.97), pt(0.55, 0.54, 0.56), pt(0.7, 0.83, 0.18), pt(0.9, 0.95, 0.1), pt(1, 1, 0)];

describe("precision dial", () => {
  it("ignores points with too few held-out suggestions to count", () => {
    // t = 1 keeps nothing (precision 1 of 0), and 29 suggestions are below the classifier's rule.
    const thin = [pt(0.5, 0.6, 0.9), { ...pt(0.8, 0.95, 0.05), accepted: 29 }, pt(1, 1, 0)];
    expect(dialPoint(thin, 0.9)).toBeNull();
  });

  it("chooses the lowest threshold whose precision reaches the target", () => {
    expect(dialPoint(CURVE, 0.5)?.threshold).toBe(0.25);
    expect(dialPoint(CURVE, 0.6)?.threshold).toBe(0.5);
    // 0.55 is not taken for 0.6: its precision dips below; 0.5 is the lowest that reaches it.
    expect(dialPoint(CURVE, 0.8)).toEqual(pt(0.7, 0.83, 0.18));
    expect(dialPoint(CURVE, 0.9)?.threshold).toBe(0.9);
    // t = 1 keeps no suggestion, so it never counts as reaching a target.
    expect(dialPoint(CURVE, 0.99)).toBeNull();
  });

  it("gives nothing when no point reaches the target or there is no curve", () => {
    expect(dialPoint([pt(0, 0.4, 1), pt(0.5, 0.7, 0.5)], 0.9)).toBeNull();
    expect(dialPoint([], 0.9)).toBeNull();
  });

  it("counts an f32 precision a hair below the target as reaching it", () => {
    expect(dialPoint([pt(0.3, 0.8999999, 0.6)], 0.9)?.threshold).toBe(0.3);
  });

  it("keeps the target in its range, to the hundredth", () => {
    expect(clampTarget(0.934)).toBe(0.93);
    expect(clampTarget(0.2)).toBe(0.5);
    expect(clampTarget(1.5)).toBe(1);
    expect(clampTarget(Number.NaN)).toBe(0.5);
  });
});
