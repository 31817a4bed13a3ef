// The Quality tab: qSKOS-style checks of the version shown (orphans, missing, empty and duplicate
// labels, two prefLabels in one language, redundant parents, top concepts with a parent,
// disconnected clusters, undocumented nodes). Clicking a finding highlights its nodes in the tree
// and reveals the first, as the diff panel does with changed nodes.
import { useState } from "react";
import type { Check, Finding, QualityReport } from "../bindings";
import * as api from "../api";
import { useServices } from "../services";

/** Findings listed per page. */
const PAGE = 200;

export const CHECK_LABEL: Record<Check, string> = {
  orphan_concept: "Orphan concepts",
  missing_label: "Missing labels",
  empty_label: "Empty labels",
  duplicate_label: "Same label on several nodes",
  two_pref_labels: "Two prefLabels in one language",
  hierarchical_redundancy: "Hierarchical redundancy",
  top_concept_with_parent: "Top concept with a parent",
  disconnected_cluster: "Disconnected clusters",
  undocumented: "Undocumented",
};

export function QualityPanel({
  version,
  ready,
  onShowNodes,
}: {
  version: number | null;
  ready: boolean;
  /** The nodes of the finding picked (empty: none); the tree highlights them. */
  onShowNodes(keys: string[]): void;
}) {
  const { run, report } = useServices();
  const [result, setResult] = useState<QualityReport | null>(null);
  const [filter, setFilter] = useState<Check | null>(null);
  const [picked, setPicked] = useState<Finding | null>(null);
  const [limit, setLimit] = useState(PAGE);
  const findings = result ? result.findings.filter((f) => filter === null || f.check === filter) : [];
  const pick = (f: Finding | null) => {
    setPicked(f);
    onShowNodes(f ? f.nodes : []);
  };
  return (
    <div className="panel quality" data-testid="quality-panel">
      <h3>Quality checks</h3>
      <button
        type="button"
        data-testid="quality-run"
        disabled={!ready}
        onClick={() =>
          void run("Checking the taxonomy…", () => api.checkTaxonomy(version)).then((r) => {
            setResult(r);
            setFilter(null);
            setLimit(PAGE);
            pick(null);
          }, report)
        }
      >
        Run the checks{version !== null ? ` on version ${version}` : ""}
      </button>
      {result && (
        <>
          <p data-testid="quality-summary">
            Version {result.version}: {result.nodes} nodes, {result.findings.length === 0 ? "no findings" : `${result.findings.length} finding(s)`}
          </p>
          <div className="quality-counts">
            {(Object.keys(result.counts) as Check[]).map((c) => (
              <button
                key={c}
                type="button"
                className={filter === c ? "chip active" : "chip"}
                data-testid={`quality-count-${c}`}
                onClick={() => setFilter(filter === c ? null : c)}
              >
                {CHECK_LABEL[c]}: {result.counts[c]}
              </button>
            ))}
          </div>
          <ul className="quality-findings">
            {findings.slice(0, limit).map((f, i) => (
              <li key={`${f.check}-${f.nodes.join(",")}-${i}`}>
                <button
                  type="button"
                  className={picked === f ? "link active" : "link"}
                  data-testid="quality-finding"
                  data-check={f.check}
                  onClick={() => pick(picked === f ? null : f)}
                >
                  {f.message}
                </button>
              </li>
            ))}
          </ul>
          {findings.length > limit && (
            <button type="button" className="link" onClick={() => setLimit(limit + PAGE)}>
              {findings.length - limit} more…
            </button>
          )}
        </>
      )}
    </div>
  );
}
