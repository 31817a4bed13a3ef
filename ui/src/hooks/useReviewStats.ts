// The review metrics (`review_stats`), the precision dial over the last run's risk–coverage curve,
// and running the classifier with the dial's target (progress through a channel).
import { useCallback, useEffect, useRef, useState } from "react";
import { LIMITS, type ClassifyOutcome, type CommandError, type DocumentSet, type Progress, type ReviewStats } from "../bindings";
import * as api from "../api";
import { clampTarget, dialPoint } from "../review/dial";
import { useServices } from "../services";

export type ReviewMetrics = ReturnType<typeof useReviewStats>;

export function useReviewStats({
  active,
  ready,
  countsKey,
  onClassified,
}: {
  active: boolean;
  ready: boolean;
  /** Bumped after any change: the metrics are read again (when shown). */
  countsKey: number;
  /** After a classifier run: the queue changed. */
  onClassified(): void;
}) {
  const { run, report } = useServices();
  const [stats, setStats] = useState<ReviewStats | null>(null);
  const [target, setTargetState] = useState<number | null>(null);
  const [documents, setDocuments] = useState<DocumentSet>("unreviewed");
  const [progress, setProgress] = useState<Progress | null>(null);
  const [classifying, setClassifying] = useState(false);
  const [outcome, setOutcome] = useState<ClassifyOutcome | null>(null);
  const [classifyError, setClassifyError] = useState<CommandError | null>(null);
  const seq = useRef(0);

  const load = useCallback(() => {
    const mine = ++seq.current;
    run("Reading the review metrics…", () => api.reviewStats()).then(
      (s) => mine === seq.current && setStats(s),
      (e: unknown) => mine === seq.current && report(e),
    );
  }, [run, report]);

  useEffect(() => {
    if (active && ready) load();
  }, [active, ready, countsKey, load]);

  useEffect(() => {
    if (ready) return;
    setStats(null);
    setOutcome(null);
    setClassifyError(null);
  }, [ready]);

  // The dial starts at the last run's target (what produced the queue), else the library default.
  const lastTarget = stats?.last_run?.target_precision ?? LIMITS.precision_default;
  const dial = target ?? clampTarget(lastTarget);
  const curve = stats?.last_run?.curve ?? [];
  const point = dialPoint(curve, dial);

  const setTarget = useCallback((v: number) => setTargetState(clampTarget(v)), []);

  const classify = useCallback(async () => {
    if (classifying) return;
    setClassifying(true);
    setClassifyError(null);
    setOutcome(null);
    setProgress(null);
    try {
      const o = await run("Classifying…", () => api.classify({ model: null, precision: dial, documents, audit_share: null }, setProgress));
      setOutcome(o);
      onClassified();
    } catch (e) {
      // Shown beside the button (no vectors yet, an empty taxonomy…): it says what to do.
      setClassifyError(api.toCommandError(e));
    } finally {
      setClassifying(false);
      setProgress(null);
    }
  }, [classifying, run, dial, documents, onClassified]);

  return {
    stats,
    reload: load,
    target: dial,
    setTarget,
    point,
    hasCurve: curve.length > 0,
    documents,
    setDocuments,
    classify,
    classifying,
    progress,
    outcome,
    classifyError,
  };
}
