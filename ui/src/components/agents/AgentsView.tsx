// The Agents tab: the agents (categories, pin, scope size), "New agent", the selected agent's
// detail (scope, settings, edit, login, removal) and a playground that searches as it.
// Keys while the tab is shown: N (outside text fields) opens "New agent", / or Ctrl+K focuses the
// playground's query box, ↑/↓ move through the list; Enter runs a query, Escape closes dialogs.
// State: hooks/useAgents, useNewAgent, useAgentEdit, useAgentCredentials, useAgentPlayground.
import { useCallback, useEffect, useRef } from "react";
import type { NewAgent, Version } from "../../bindings";
import { useAgentCredentials } from "../../hooks/useAgentCredentials";
import { useAgentSelfCheck } from "../../hooks/useAgentSelfCheck";
import { useAgentEdit } from "../../hooks/useAgentEdit";
import { useAgentPlayground } from "../../hooks/useAgentPlayground";
import { useAgents } from "../../hooks/useAgents";
import { useNewAgent } from "../../hooks/useNewAgent";
import { isTextField, useServices } from "../../services";
import { AgentDetail } from "./AgentDetail";
import { AgentList } from "./AgentList";
import { AgentPlayground } from "./AgentPlayground";
import { NewAgentDialog } from "./NewAgentDialog";

export function AgentsView({
  active,
  ready,
  refreshKey,
  versions,
  head,
  selectedKey,
  labelOf,
  onSelectKey,
}: {
  /** The tab is shown: the list is read and the keys work only then. */
  active: boolean;
  ready: boolean;
  /** Changes when the scopes may have changed (a publish, a rollback, an import, a new connection). */
  refreshKey: number;
  versions: readonly Version[];
  head: number | null;
  /** The category selected in the tree: a new agent starts with it. */
  selectedKey: string | null;
  labelOf(key: string): string;
  /** Shows a category in the tree. */
  onSelectKey(key: string): void;
}) {
  const { report } = useServices();
  const agents = useAgents({ active, ready, refreshKey });
  const { current, refresh, create } = agents;
  /** Set when the dialog closes on a new agent: the focus goes to its playground. */
  const created = useRef(false);
  const onCreate = useCallback(
    async (n: NewAgent) => {
      const a = await create(n);
      created.current = true;
      return a;
    },
    [create],
  );
  const form = useNewAgent({ onCreate });
  const edit = useAgentEdit({ agent: current, labelOf, onSave: agents.update });
  const credentials = useAgentCredentials({ agent: current?.name ?? null, onChanged: refresh });
  const selfCheck = useAgentSelfCheck(current?.name ?? null);
  const playground = useAgentPlayground({ agent: current?.name ?? null });
  const panel = useRef<HTMLDivElement>(null);
  const newButton = useRef<HTMLButtonElement>(null);
  const queryRef = useRef<HTMLInputElement>(null);
  const { openWith } = form;

  const openNew = useCallback(() => {
    openWith(selectedKey === null ? [] : [{ key: selectedKey, label: labelOf(selectedKey) }]);
  }, [openWith, selectedKey, labelOf]);

  // Opening the tab puts the focus in it, so its keys work at once.
  useEffect(() => {
    if (active && ready) panel.current?.focus();
  }, [active, ready]);

  const keys = useRef({ openNew, dialog: form.open });
  keys.current = { openNew, dialog: form.open };
  useEffect(() => {
    if (!active || !ready) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || keys.current.dialog || document.querySelector(".modal")) return;
      const mod = e.ctrlKey || e.metaKey;
      const el = document.activeElement;
      const here = el === null || el === document.body || (panel.current?.contains(el) ?? false);
      if (mod && !e.altKey && (e.key === "k" || e.key === "K")) {
        if (!queryRef.current) return;
        e.preventDefault();
        queryRef.current.focus();
        queryRef.current.select();
      } else if (!mod && !e.altKey && here && !isTextField(el)) {
        if (e.key === "/" && queryRef.current) {
          e.preventDefault();
          queryRef.current.focus();
        } else if (e.key === "n" || e.key === "N") {
          e.preventDefault();
          keys.current.openNew();
        }
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [active, ready]);

  // The dialog closed: the focus goes back to "New agent", or to the new agent's playground.
  const wasOpen = useRef(false);
  useEffect(() => {
    if (wasOpen.current && !form.open) {
      const toQuery = created.current;
      created.current = false;
      setTimeout(() => ((toQuery ? queryRef.current : null) ?? newButton.current)?.focus(), 0);
    }
    wasOpen.current = form.open;
  }, [form.open]);

  async function remove() {
    if (!current) return;
    try {
      await agents.remove(current.name);
      newButton.current?.focus();
    } catch (e) {
      report(e);
    }
  }

  if (!ready) {
    return (
      <div className="panel agents-panel" data-testid="agents-panel">
        <p className="muted" data-testid="agents-no-database">
          Not connected to a database: no agents to show.
        </p>
      </div>
    );
  }

  return (
    <div className="panel agents-panel" data-testid="agents-panel" ref={panel} tabIndex={-1}>
      <div className="toolbar-row">
        <h3 className="agents-title">Agents</h3>
        <button ref={newButton} type="button" className="primary" data-testid="agents-new" onClick={openNew}>
          New agent…
        </button>
        <span className="muted key-help">N new agent · / or Ctrl+K query · ↑/↓ through the list</span>
      </div>
      {agents.agents === null ? (
        <p className="muted">Loading…</p>
      ) : (
        <AgentList agents={agents.agents} selected={agents.selected} onSelect={agents.select} labelOf={labelOf} />
      )}
      {current ? (
        <div className="agent-main">
          <AgentDetail
            agent={current}
            edit={edit}
            credentials={credentials}
            selfCheck={selfCheck}
            versions={versions}
            head={head}
            selectedKey={selectedKey}
            labelOf={labelOf}
            onRemove={() => void remove()}
          />
          <AgentPlayground agent={current} p={playground} inputRef={queryRef} onSelectKey={onSelectKey} />
        </div>
      ) : (
        agents.agents !== null &&
        agents.agents.length > 0 && (
          <p className="muted" data-testid="agents-hint">
            Select an agent to see its scope, edit it, issue its login or search as it.
          </p>
        )
      )}
      {form.open && <NewAgentDialog form={form} head={head} selectedKey={selectedKey} labelOf={labelOf} />}
    </div>
  );
}
