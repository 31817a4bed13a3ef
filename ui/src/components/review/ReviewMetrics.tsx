// The metrics strip: pending, decided today, HITL rate, the precision auto-acceptance reached on
// audit samples beside the classifier's estimate; the precision dial (what another target would
// give, from the last run's held-out curve) and Classify.
import type { ReviewMetrics as Metrics } from "../../hooks/useReviewStats";
import { DIAL_MAX, DIAL_MIN, DIAL_STEP } from "../../review/dial";
import { pct } from "../../review/text";

export function ReviewMetrics({ m, ready }: { m: Metrics; ready: boolean }) {
  const s = m.stats;
  const run = s?.last_run ?? null;
  return (
    <section className="review-metrics" data-testid="review-metrics">
      <div className="metric-row">
        <Metric id="pending" label="Pending" value={s ? String(s.pending) : "–"} />
        <Metric id="decided-today" label="Decided today" value={s ? String(s.decided_today) : "–"} />
        <Metric id="hitl-rate" label="HITL rate" value={pct(s?.hitl_rate, 1)} title="Share of classified documents sent to people" />
        <Metric
          id="measured-precision"
          label="Measured precision"
          value={pct(s?.measured_precision, 1)}
          title={s ? `Audit samples of auto-accepted documents: ${s.audit_confirmed} of ${s.audit_decided} confirmed` : undefined}
        />
        <Metric
          id="estimated-precision"
          label="Estimated precision"
          value={pct(run?.estimated_precision, 1)}
          title="The classifier's own estimate on held-out labels at its threshold"
        />
      </div>
      <div className="dial-row">
        <label className="dial">
          Target precision <b data-testid="dial-target">{pct(m.target)}</b>
          <input
            type="range"
            data-testid="precision-dial"
            min={DIAL_MIN}
            max={DIAL_MAX}
            step={DIAL_STEP}
            value={m.target}
            onChange={(e) => m.setTarget(Number(e.target.value))}
          />
        </label>
        <span className="dial-readout" data-testid="dial-readout">
          {!m.hasCurve
            ? "No classifier run yet: Classify to see what a target gives."
            : m.point === null
              ? `No threshold reaches ${pct(m.target)} on the labelled documents.`
              : m.point.coverage === 0
                ? `At ${pct(m.target)} nothing is auto-accepted: every document goes to review.`
                : `threshold ${m.point.threshold.toFixed(2)}: ${pct(m.point.coverage)} auto-accepted, ${pct(m.point.hitl_rate)} to review`}
        </span>
        <label className="classify-set" title="All: re-classify every document without a human label (earlier suggestions are replaced)">
          <select data-testid="classify-documents" value={m.documents} onChange={(e) => m.setDocuments(e.target.value === "all" ? "all" : "unreviewed")}>
            <option value="unreviewed">new documents</option>
            <option value="all">all unlabelled documents</option>
          </select>
        </label>
        <button type="button" data-testid="classify-button" disabled={!ready || m.classifying} onClick={() => void m.classify()}>
          {m.classifying ? "Classifying…" : "Classify"}
        </button>
      </div>
      {m.progress && (
        <p className="muted" data-testid="classify-progress">
          {m.progress.stage}
          {m.progress.total > 0 ? `: ${m.progress.done} of ${m.progress.total}` : "…"}
        </p>
      )}
      {m.classifyError && (
        <p className="error-inline" role="alert" data-testid="classify-error" data-kind={m.classifyError.kind}>
          Cannot classify: {m.classifyError.message}
        </p>
      )}
      {m.outcome && (
        <p className="result" data-testid="classify-result">
          Classified {m.outcome.documents} document{m.outcome.documents === 1 ? "" : "s"} with {m.outcome.model}: {m.outcome.auto_accepted_documents}{" "}
          auto-accepted, {m.outcome.queued} to review
          {m.outcome.threshold !== null ? ` (threshold ${m.outcome.threshold.toFixed(2)})` : " (no threshold reaches the target)"}
          {m.outcome.splits_rescored > 0
            ? `; ${m.outcome.splits_rescored} items of split categories scored again, ${m.outcome.splits_auto_accepted} of them accepted`
            : ""}
          {m.outcome.without_vectors > 0 ? `; ${m.outcome.without_vectors} without vectors (run dtrag embed)` : ""}.
          {m.outcome.notice && <span className="muted"> {m.outcome.notice}</span>}
        </p>
      )}
    </section>
  );
}

function Metric({ id, label, value, title }: { id: string; label: string; value: string; title?: string }) {
  return (
    <div className="metric" title={title}>
      <span className="metric-label">{label}</span>
      <span className="metric-value" data-testid={`metric-${id}`}>
        {value}
      </span>
    </div>
  );
}
