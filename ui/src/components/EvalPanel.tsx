// Retrieval quality in the search view (docs/ipc.md `eval_sets`, `eval_run`, `eval_last`): pick a
// stored golden set (`dtrag eval sets add NAME FILE` makes them), see its last result at the
// viewed version, or run it again (all three modes); recall, MRR and nDCG at k, latency per mode.
// The sets are read only when the panel is opened, so a closed panel costs nothing.
import { useCallback, useEffect, useState } from "react";
import type { EvalReport, GoldenSetSummary } from "../bindings";
import * as api from "../api";
import { useServices } from "../services";
import { formatMs } from "../format";

const MODE_LABELS = { hybrid: "Hybrid", bm25: "BM25", vector: "Vector" } as const;

export function EvalPanel({ version }: { version: number | null }) {
  const { run, report } = useServices();
  const [open, setOpen] = useState(false);
  const [sets, setSets] = useState<GoldenSetSummary[] | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [last, setLast] = useState<EvalReport | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!open) return;
    let live = true;
    run("Loading golden sets…", () => api.evalSets()).then(
      (s) => {
        if (!live) return;
        setSets(s);
        setChosen((c) => c ?? s[0]?.name ?? null);
      },
      (e: unknown) => live && report(e),
    );
    return () => {
      live = false;
    };
  }, [open, run, report]);

  // The last result of the chosen set at the viewed version.
  useEffect(() => {
    if (!open || chosen === null) return;
    let live = true;
    setLast(null);
    api.evalLast(chosen, null, version).then(
      (r) => live && setLast(r),
      (e: unknown) => live && report(e),
    );
    return () => {
      live = false;
    };
  }, [open, chosen, version, report]);

  const runSet = useCallback(async () => {
    if (chosen === null) return;
    setBusy(true);
    try {
      setLast(await run(`Evaluating “${chosen}”…`, () => api.evalRun(chosen, null, version)));
    } catch (e) {
      report(e);
    } finally {
      setBusy(false);
    }
  }, [chosen, version, run, report]);

  return (
    <details className="eval-panel" data-testid="eval-panel" onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary>Retrieval quality (golden sets)</summary>
      {sets !== null && sets.length === 0 && (
        <p className="muted" data-testid="eval-no-sets">
          No golden sets yet: <code>dtrag eval sets add NAME FILE</code> stores one.
        </p>
      )}
      {sets !== null && sets.length > 0 && (
        <div className="eval-controls">
          <select data-testid="eval-set" value={chosen ?? ""} onChange={(e) => setChosen(e.target.value)} aria-label="Golden set">
            {sets.map((s) => (
              <option key={s.name} value={s.name}>
                {s.name} ({s.queries} queries)
              </option>
            ))}
          </select>{" "}
          <button type="button" data-testid="eval-run" disabled={busy || chosen === null} onClick={() => void runSet()}>
            Run
          </button>
        </div>
      )}
      {open && chosen !== null && last === null && !busy && (
        <p className="muted" data-testid="eval-none">
          Not run at this version yet.
        </p>
      )}
      {last !== null && <EvalTable report={last} />}
    </details>
  );
}

export function EvalTable({ report: r }: { report: EvalReport }) {
  return (
    <div data-testid="eval-result">
      <p className="muted" data-testid="eval-caption">
        {r.queries} queries, k = {r.k}, version {r.version}
        {r.agent !== null && `, as ${r.agent}`} · {new Date(r.run_at).toLocaleString()}
      </p>
      <table className="eval-table">
        <thead>
          <tr>
            <th>mode</th>
            <th>recall@{r.k}</th>
            <th>MRR@{r.k}</th>
            <th>nDCG@{r.k}</th>
            <th>p50</th>
            <th>p95</th>
          </tr>
        </thead>
        <tbody>
          {r.modes.map((m) => (
            <tr key={m.mode} data-testid="eval-row" data-mode={m.mode} title={m.notice ?? undefined}>
              <td>
                {MODE_LABELS[m.mode]}
                {m.tuned && " (tuned)"}
              </td>
              <td>{m.recall.toFixed(3)}</td>
              <td>{m.mrr.toFixed(3)}</td>
              <td>{m.ndcg.toFixed(3)}</td>
              <td>{formatMs(m.p50_ms)}</td>
              <td>{formatMs(m.p95_ms)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
