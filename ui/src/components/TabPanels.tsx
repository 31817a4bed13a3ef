// The right-hand side: the tab bar and the tabs' panels (each mounted when first opened, then kept).
import type { Diff } from "../bindings";
import type { Connection } from "../hooks/useConnection";
import type { DraftState } from "../hooks/useDraft";
import type { ImportActions } from "../hooks/useImport";
import type { ReviewShared } from "../hooks/useReview";
import { TABS, type Tabs } from "../hooks/useTabs";
import type { TreeState } from "../hooks/useTreeState";
import type { Versions } from "../hooks/useVersions";
import * as api from "../api";
import { AuditView } from "./AuditView";
import { BackupPanel } from "./BackupPanel";
import { HealthPanel } from "./HealthPanel";
import { ConnectionView } from "./ConnectionView";
import { DiffPanel } from "./DiffPanel";
import { DraftPanel } from "./DraftPanel";
import { ImportForm } from "./ImportForm";
import { NodeDetails } from "./NodeDetails";
import { QualityPanel } from "./QualityPanel";
import { SearchView } from "./SearchView";
import { ReviewView } from "./review/ReviewView";
import { AgentsView } from "./agents/AgentsView";

/** The health report with the default number of slowest statements. */
const healthCheck = () => api.databaseHealth({ statements: null });

export function TabPanels({
  tabs: { tab, visited, openTab },
  connection,
  versions: { versions, selected, head, readOnly, editable },
  tree,
  draft,
  review,
  auditKey,
  onDiff,
  onRestore,
  onImport,
  onQualityNodes,
}: {
  tabs: Tabs;
  connection: Connection;
  versions: Versions;
  tree: TreeState;
  draft: DraftState;
  review: ReviewShared;
  /** Changes when the history may have changed (the agents' scopes too). */
  auditKey: number;
  /** The diff shown in the diff tab (it highlights the tree). */
  onDiff(diff: Diff | null): void;
  onRestore(version: number): void;
  onImport: ImportActions;
  /** The nodes of the quality finding picked (the tree highlights them). */
  onQualityNodes(keys: string[]): void;
}) {
  const { ready, epoch, status } = connection;
  const reveal = (k: string) => void tree.reveal(k);
  const count = draft.draft.entries.length;
  return (
    <section className="right">
      <nav className="tabs" role="tablist">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            className={tab === t.id ? "tab active" : "tab"}
            data-testid={`tab-${t.id}`}
            onClick={() => openTab(t.id)}
          >
            {t.label}
            {t.id === "draft" && count > 0 ? ` (${count})` : ""}
          </button>
        ))}
      </nav>
      <div className="tab-body">
        <div hidden={tab !== "details"} className="tab-panel">
          <NodeDetails
            version={selected}
            nodeKey={tree.detailsKey}
            editable={editable}
            onAddOps={draft.addToDraft}
            onSelectKey={reveal}
            onDelete={draft.requestDelete}
          />
        </div>
        {visited.has("search") && (
          <div hidden={tab !== "search"} className="tab-panel">
            <SearchView
              active={tab === "search" && ready}
              version={selected}
              selectedKey={tree.detailsKey}
              labelOf={tree.labelOf}
              onSelectKey={(k) => void tree.reveal(k, false)}
              refreshKey={epoch}
            />
          </div>
        )}
        {visited.has("review") && (
          <div hidden={tab !== "review"} className="tab-panel">
            <ReviewView review={review} active={tab === "review"} ready={ready} head={head} labelOf={tree.labelOf} />
          </div>
        )}
        {visited.has("agents") && (
          <div hidden={tab !== "agents"} className="tab-panel">
            <AgentsView
              active={tab === "agents"}
              ready={ready}
              refreshKey={auditKey}
              versions={versions}
              head={head}
              selectedKey={tree.detailsKey}
              labelOf={tree.labelOf}
              onSelectKey={(k) => void tree.reveal(k, false)}
            />
          </div>
        )}
        {visited.has("diff") && (
          <div hidden={tab !== "diff"} className="tab-panel">
            <DiffPanel versions={versions} selected={selected} head={head} onDiff={onDiff} onSelectKey={reveal} />
          </div>
        )}
        {visited.has("draft") && (
          <div hidden={tab !== "draft"} className="tab-panel">
            <DraftPanel
              draft={draft.draft}
              head={head}
              editable={editable}
              readOnlyReason={readOnly ? `Read-only: viewing version ${selected}. Switch to the head (v${head}) to publish.` : null}
              message={draft.message}
              onMessage={draft.setMessage}
              onUndo={draft.undo}
              onDiscard={draft.discard}
              onPublish={() => void draft.publish()}
              onRebase={() => void draft.rebase()}
              failure={draft.failure}
              onPreview={draft.setPreview}
              onSelectKey={reveal}
              labelOf={tree.labelOf}
              publishing={draft.publishing}
            />
          </div>
        )}
        {visited.has("quality") && (
          <div hidden={tab !== "quality"} className="tab-panel">
            <QualityPanel
              version={selected}
              ready={ready}
              onShowNodes={(keys) => {
                onQualityNodes(keys);
                // Reveal without leaving the tab: its highlights show on the quality tab only.
                if (keys.length > 0) void tree.reveal(keys[0], false);
              }}
            />
          </div>
        )}
        {visited.has("history") && (
          <div hidden={tab !== "history"} className="tab-panel">
            <AuditView refreshKey={auditKey} head={head} onRestore={onRestore} />
          </div>
        )}
        {visited.has("connection") && (
          <div hidden={tab !== "connection"} className="tab-panel">
            <ConnectionView
              key={epoch}
              status={status}
              onConnect={connection.connect}
              onEmbedded={connection.switchToEmbedded}
              busy={connection.busy}
            />
            <ImportForm disabled={!ready} onImport={onImport.importFile} onPreview={onImport.previewImport} />
            <BackupPanel
              disabled={!ready}
              onBackup={(file, onProgress) => api.backupDatabase({ file }, onProgress)}
              onRestore={(file, into, onProgress) => api.restoreDatabase({ file, into }, onProgress)}
            />
            <HealthPanel key={`health-${epoch}`} disabled={!ready} onHealth={healthCheck} />
          </div>
        )}
      </div>
    </section>
  );
}
