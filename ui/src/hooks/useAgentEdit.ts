// The selected agent's edit form: description, categories and pin, started from the agent as the
// library last returned it; `save` sends only what differs (AgentChange: `null` = unchanged,
// `pinned_version` left out = unchanged, `null` = follow the head).
import { useCallback, useEffect, useState } from "react";
import type { Agent, AgentChange, CommandError } from "../bindings";
import * as api from "../api";
import { sameKeys } from "../agents/text";
import { addPicks, type CategoryPick } from "./useNewAgent";

export type AgentEdit = ReturnType<typeof useAgentEdit>;

/** What `edited` changes about `agent`; null when nothing. */
export function changeOf(agent: Agent, edited: { description: string; categories: string[]; pin: number | null }): AgentChange | null {
  const description = edited.description.trim() !== agent.description ? edited.description.trim() : null;
  const categories = sameKeys(edited.categories, agent.categories) ? null : edited.categories;
  const pinChanged = edited.pin !== agent.pinned_version;
  if (description === null && categories === null && !pinChanged) return null;
  return { description, categories, settings: null, pinned_version: pinChanged ? edited.pin : undefined };
}

export function useAgentEdit({
  agent,
  labelOf,
  onSave,
}: {
  agent: Agent | null;
  labelOf(key: string): string;
  onSave(name: string, change: AgentChange): Promise<Agent>;
}) {
  const [description, setDescription] = useState("");
  const [categories, setCategories] = useState<CategoryPick[]>([]);
  const [pin, setPin] = useState<number | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const [busy, setBusy] = useState(false);
  /** The `updated_at` of the agent this form last saved (the "Saved" note shows until it changes). */
  const [savedAt, setSavedAt] = useState<string | null>(null);

  const revert = useCallback(() => {
    setDescription(agent?.description ?? "");
    setCategories((agent?.categories ?? []).map((key) => ({ key, label: labelOf(key) })));
    setPin(agent?.pinned_version ?? null);
    setError(null);
    // Only when another agent is shown, or this one changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [agent?.name, agent?.updated_at]);

  useEffect(() => {
    revert();
  }, [revert]);

  const change = agent ? changeOf(agent, { description, categories: categories.map((c) => c.key), pin }) : null;

  const save = useCallback(async () => {
    if (!agent || change === null || busy) return;
    setBusy(true);
    setError(null);
    try {
      const a = await onSave(agent.name, change);
      setSavedAt(a.updated_at);
    } catch (e) {
      setError(api.toCommandError(e));
    } finally {
      setBusy(false);
    }
  }, [agent, change, busy, onSave]);

  return {
    description,
    setDescription,
    categories,
    add: (picks: CategoryPick[]) => setCategories((c) => addPicks(c, picks)),
    removeCategory: (key: string) => setCategories((c) => c.filter((x) => x.key !== key)),
    pin,
    setPin,
    dirty: change !== null,
    canSave: change !== null && categories.length > 0 && !busy,
    error,
    busy,
    saved: agent !== null && savedAt === agent.updated_at && change === null,
    save,
    revert,
  };
}
