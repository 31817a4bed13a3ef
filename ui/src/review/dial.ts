// The precision dial: what a target precision would give, read from the last run's held-out
// risk–coverage curve.
import { LIMITS, type CurvePoint } from "../bindings";

/** The classifier's own rule (`MIN_ACCEPTED` in crates/core/src/classify/calibrate.rs, through
 * the generated limits): a threshold counts only with this many held-out suggestions. */
export const MIN_ACCEPTED = LIMITS.calibration_min_accepted;

/**
 * The point of the lowest threshold whose precision reaches `target` (the most coverage that
 * still meets it) on at least MIN_ACCEPTED held-out suggestions, or null when no point does (or
 * there is no curve).
 */
export function dialPoint(curve: readonly CurvePoint[], target: number): CurvePoint | null {
  let best: CurvePoint | null = null;
  for (const p of curve) {
    if (p.accepted < MIN_ACCEPTED) continue;
    // A float precision like 0.8999999 from f32 still meets a 0.9 target.
    if (p.precision + 1e-6 >= target && (best === null || p.threshold < best.threshold)) best = p;
  }
  return best;
}

/** The dial's range: below 50 % auto-accepting makes no sense, 100 % means "never wrong". */
export const DIAL_MIN = 0.5;
export const DIAL_MAX = 1;
export const DIAL_STEP = 0.01;

export function clampTarget(v: number): number {
  if (!Number.isFinite(v)) return DIAL_MIN;
  return Math.min(DIAL_MAX, Math.max(DIAL_MIN, Math.round(v * 100) / 100));
}
