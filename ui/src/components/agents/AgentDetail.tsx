// The selected agent: its scope sizes and settings, the edit form, its login, and removal (after a
// confirmation; Escape cancels).
import { useState } from "react";
import type { Agent, Version } from "../../bindings";
import { describePin, describeSettings } from "../../agents/text";
import { formatDateTime } from "../../format";
import type { AgentCredentials as Creds } from "../../hooks/useAgentCredentials";
import type { AgentEdit } from "../../hooks/useAgentEdit";
import type { AgentSelfCheck } from "../../hooks/useAgentSelfCheck";
import { ConfirmDialog } from "../Modal";
import { AgentCredentials } from "./AgentCredentials";
import { AgentEditForm } from "./AgentEditForm";
import { AgentSelfCheckPanel } from "./AgentSelfCheckPanel";

export function AgentDetail({
  agent: a,
  edit,
  credentials,
  selfCheck,
  versions,
  head,
  selectedKey,
  labelOf,
  onRemove,
}: {
  agent: Agent;
  edit: AgentEdit;
  credentials: Creds;
  selfCheck: AgentSelfCheck;
  versions: readonly Version[];
  head: number | null;
  selectedKey: string | null;
  labelOf(key: string): string;
  onRemove(): void;
}) {
  const [confirming, setConfirming] = useState(false);
  return (
    <section className="agent-detail" data-testid="agent-detail" aria-label={`Agent ${a.name}`}>
      <div className="agent-detail-head">
        <h3 data-testid="agent-detail-name">{a.name}</h3>
        <span className="key">role {a.role}</span>
      </div>
      {a.description && (
        <p className="agent-description" data-testid="agent-detail-description">
          {a.description}
        </p>
      )}
      <dl className="details-fields">
        <dt>Scope</dt>
        <dd data-testid="agent-detail-scope">
          <span data-testid="agent-scope-documents">{a.scope.documents}</span> documents ·{" "}
          <span data-testid="agent-scope-chunks">{a.scope.chunks}</span> chunks ·{" "}
          <span data-testid="agent-scope-nodes">{a.scope.nodes}</span> category nodes
        </dd>
        <dt>Categories</dt>
        <dd data-testid="agent-detail-categories">
          {a.categories.map((k) => (
            <span key={k} className="agent-category" data-key={k} title={k}>
              {labelOf(k)}
            </span>
          ))}
        </dd>
        <dt>Version</dt>
        <dd data-testid="agent-detail-pin">{describePin(a.pinned_version)}</dd>
        <dt>Settings</dt>
        <dd data-testid="agent-settings">{describeSettings(a.settings)}</dd>
        <dt>Created</dt>
        <dd>
          by {a.created_by}, {formatDateTime(a.created_at)}
          {a.updated_at !== a.created_at && ` · changed ${formatDateTime(a.updated_at)}`}
        </dd>
      </dl>
      <AgentEditForm edit={edit} versions={versions} head={head} selectedKey={selectedKey} labelOf={labelOf} />
      <AgentCredentials agent={a} c={credentials} />
      <AgentSelfCheckPanel c={selfCheck} />
      <div className="buttons">
        <button type="button" className="danger" data-testid="agent-remove" onClick={() => setConfirming(true)}>
          Remove agent…
        </button>
      </div>
      {confirming && (
        <ConfirmDialog
          title={`Remove agent ${a.name}?`}
          text={
            <p>
              The agent, its scope and its role <code>{a.role}</code> are removed; services connected as it are disconnected.
              Documents are not touched.
            </p>
          }
          actions={[
            {
              label: "Remove",
              danger: true,
              testId: "agent-remove-confirm",
              onClick: () => {
                setConfirming(false);
                onRemove();
              },
            },
          ]}
          onClose={() => setConfirming(false)}
        />
      )}
    </section>
  );
}
