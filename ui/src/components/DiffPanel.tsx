// Compare two versions: summary, lists per change kind, word diffs; the diff highlights the tree.
import { useEffect, useState } from "react";
import type { Diff, Version } from "../bindings";
import * as api from "../api";
import { useServices } from "../services";
import { VersionPicker } from "./VersionPicker";
import { DiffLists, DiffSummary, Legend } from "./DiffLists";
import { AgentScopeSummary } from "./AgentScopeSummary";
import { ImpactSummary } from "./ImpactSummary";

export function DiffPanel({
  versions,
  selected,
  head,
  onDiff,
  onSelectKey,
}: {
  versions: readonly Version[];
  selected: number | null;
  head: number | null;
  onDiff(diff: Diff | null): void;
  onSelectKey(key: string, version: number): void;
}) {
  const { run, report } = useServices();
  const defaultFrom = selected !== null && selected !== head ? selected : head !== null && head > 0 ? head - 1 : head;
  const [from, setFrom] = useState<number | null>(defaultFrom);
  const [to, setTo] = useState<number | null>(head);
  const [diff, setDiff] = useState<Diff | null>(null);

  // Follow the toolbar: selected version vs head.
  useEffect(() => {
    setFrom(defaultFrom);
    setTo(head);
  }, [defaultFrom, head]);

  useEffect(() => {
    setDiff(null);
    onDiff(null);
    if (from === null || to === null) return;
    let live = true;
    run(`Comparing v${from} and v${to}…`, () => api.diffVersions(from, to)).then(
      (d) => {
        if (!live) return;
        setDiff(d);
        onDiff(d);
      },
      (e: unknown) => live && report(e),
    );
    return () => {
      live = false;
    };
  }, [from, to, run, report, onDiff]);

  return (
    <div className="panel diff-panel" data-testid="diff-panel">
      <div className="toolbar-row">
        <VersionPicker versions={versions} value={from} onChange={setFrom} testId="diff-from" label="From" />
        <button
          type="button"
          className="small"
          title="Swap"
          aria-label="Swap the versions"
          onClick={() => {
            setFrom(to);
            setTo(from);
          }}
        >
          ⇄
        </button>
        <VersionPicker versions={versions} value={to} onChange={setTo} testId="diff-to" label="To" />
      </div>
      {from !== null && from === to && <p className="muted">Same version: pick two different versions.</p>}
      {diff && (
        <>
          <DiffSummary diff={diff} />
          {/* Backwards (newer to older) it reads as what restoring the older version would do. */}
          <ImpactSummary impact={diff.impact} preview={diff.from > diff.to} testId="diff-impact" />
          <AgentScopeSummary changes={diff.agent_scopes} testId="diff-agents" />
          <Legend />
          <DiffLists
            diff={diff}
            onSelectKey={(key, kind) => onSelectKey(key, kind === "removed" ? diff.from : diff.to)}
          />
        </>
      )}
      {!diff && from !== to && <p className="muted">Loading…</p>}
    </div>
  );
}
