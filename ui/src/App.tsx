/*
 * DT-RAG Studio — the main window: the shell's hooks composed, and the layout.
 *
 * The data-testid attributes the end-to-end tests (tests/e2e/studio.test.mjs) rely on are listed
 * in TESTIDS.md: keep them.
 *
 * State lives in hooks/ (one concern each): useShell (busy tasks, error banner, status message),
 * useTabs, useConnection, useVersions, useTreeState, useDraft, useRollback, useImport, useReview (the
 * review tab's filter and change counters, shared with the tree) and useCategoryCounts (the
 * tree's per-category document and review counts).
 */
import { useCallback, useMemo, useReducer, useState } from "react";
import type { Diff } from "./bindings";
import { changeKinds, findingKinds } from "./diffView";
import { ServicesContext } from "./services";
import { useCategoryCounts } from "./hooks/useCategoryCounts";
import { useConnection } from "./hooks/useConnection";
import { useDraft } from "./hooks/useDraft";
import { useImport } from "./hooks/useImport";
import { useReview } from "./hooks/useReview";
import { useRollback } from "./hooks/useRollback";
import { useShell } from "./hooks/useShell";
import { useTabs } from "./hooks/useTabs";
import { useTreeState } from "./hooks/useTreeState";
import { useVersions } from "./hooks/useVersions";
import { PasswordPrompt } from "./components/ConnectionView";
import { DeleteConfirm } from "./components/DeleteConfirm";
import { ErrorBanner } from "./components/ErrorBanner";
import { RollbackDialog } from "./components/RollbackDialog";
import { StatusBar } from "./components/StatusBar";
import { TabPanels } from "./components/TabPanels";
import { Toolbar } from "./components/Toolbar";
import { TreePane } from "./components/TreePane";

export function App() {
  const shell = useShell();
  const { run, report } = shell;
  const tabs = useTabs();
  const { openTab } = tabs;
  /** Bumped when the history may have changed (publish, rollback, import, new connection). */
  const [auditKey, bumpAudit] = useReducer((k: number) => k + 1, 0);
  /** The diff shown in the diff tab: it highlights the tree (the draft's preview does on the draft tab). */
  const [diffShown, setDiffShown] = useState<Diff | null>(null);
  /** The nodes of the quality finding picked: they highlight the tree on the quality tab. */
  const [qualityNodes, setQualityNodes] = useState<string[]>([]);

  const review = useReview();
  const { queueChanged } = review;
  const connection = useConnection({ ...shell, openTab, onNewConnection: () => forgetConnectionData() });
  const { ready } = connection;
  const versions = useVersions({ ready, epoch: connection.epoch, run, report });
  const tree = useTreeState({ version: versions.selected, ready, run, report, openTab });
  const counts = useCategoryCounts({ ready, countsKey: review.countsKey, report });
  /** A publish, rollback or import may send documents to review (or restore them). */
  const onTaxonomyChanged = useCallback(() => {
    bumpAudit();
    queueChanged();
  }, [queueChanged]);
  const draft = useDraft({ ...shell, versions, labelOf: tree.labelOf, openTab, onPublished: onTaxonomyChanged });
  const rollback = useRollback({ ...shell, loadVersions: versions.load, onRolledBack: onTaxonomyChanged });
  const { load: loadVersions } = versions;
  const { clearCache } = tree;
  const onImported = useCallback(() => {
    clearCache();
    onTaxonomyChanged();
    loadVersions("head").catch(report);
  }, [clearCache, onTaxonomyChanged, loadVersions, report]);
  const { filterUnder } = review;
  /** A click on a category's pending count: the queue of that subtree. */
  const reviewUnder = useCallback(
    (key: string) => {
      filterUnder(key);
      openTab("review");
    },
    [filterUnder, openTab],
  );
  const importFile = useImport({ run, report, onImported });

  /** A new connection: nothing read from the previous one is kept. */
  function forgetConnectionData() {
    tree.reset();
    versions.reset();
    setDiffShown(null);
    setQualityNodes([]);
    bumpAudit();
    queueChanged();
  }

  const highlightDiff = tabs.tab === "draft" ? draft.preview : diffShown;
  const diffHighlight = useMemo(() => changeKinds(highlightDiff), [highlightDiff]);
  const qualityHighlight = useMemo(() => findingKinds(qualityNodes), [qualityNodes]);
  const highlight = tabs.tab === "quality" ? qualityHighlight : diffHighlight;
  const status = connection.status;

  return (
    <ServicesContext.Provider value={shell.services}>
      <div className="app">
        <Toolbar
          versions={versions}
          ready={ready}
          status={status}
          tasks={shell.tasks}
          onRestore={rollback.open}
          onShowConnection={() => openTab("connection")}
        />
        <ErrorBanner error={shell.error} onDismiss={() => shell.setError(null)} />
        <main className="main">
          <TreePane
            tree={tree}
            draft={draft}
            version={versions.selected}
            ready={ready}
            editable={versions.editable}
            highlight={highlight}
            onOpen={() => openTab("details")}
            counts={counts.counts}
            onVisibleKeys={counts.onVisibleKeys}
            onReviewUnder={reviewUnder}
          />
          <TabPanels
            tabs={tabs}
            connection={connection}
            versions={versions}
            tree={tree}
            draft={draft}
            review={review}
            auditKey={auditKey}
            onDiff={setDiffShown}
            onRestore={rollback.open}
            onImport={importFile}
            onQualityNodes={setQualityNodes}
          />
        </main>
        <StatusBar
          status={status}
          head={versions.head}
          selected={versions.selected}
          message={shell.statusMessage}
          lastCall={shell.lastCall}
          draftCount={draft.draft.entries.length}
        />
        {rollback.to !== null && <RollbackDialog to={rollback.to} onClose={rollback.close} onDone={rollback.done} />}
        {draft.confirmDelete && <DeleteConfirm pending={draft.confirmDelete} onCascade={draft.confirmCascade} onClose={draft.cancelDelete} />}
        {status?.state === "needs_password" && (
          <PasswordPrompt status={status} onSubmit={connection.connect} onEmbedded={connection.switchToEmbedded} />
        )}
      </div>
    </ServicesContext.Provider>
  );
}
