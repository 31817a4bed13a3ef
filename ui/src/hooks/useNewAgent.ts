// The "New agent" dialog's form: name, description, categories (prefilled from the tree's
// selection, added through the category picker), mode and k; the library's refusal is kept to be
// shown in the dialog, which stays open.
import { useCallback, useState } from "react";
import { LIMITS, type Agent, type AgentSettings, type CommandError, type Mode, type NewAgent } from "../bindings";
import * as api from "../api";

export type CategoryPick = { key: string; label: string };

export const DEFAULT_SETTINGS: AgentSettings = {
  mode: "hybrid",
  k: LIMITS.search_k_default,
  weights: { bm25: 1, vector: 1 },
  model: null,
};

export type NewAgentForm = ReturnType<typeof useNewAgent>;

/** Adds `picks` not yet in `list`, in order. */
export function addPicks(list: readonly CategoryPick[], picks: readonly CategoryPick[]): CategoryPick[] {
  const out = [...list];
  for (const p of picks) if (!out.some((x) => x.key === p.key)) out.push(p);
  return out;
}

export function clampK(v: number): number {
  return Math.min(LIMITS.search_k_max, Math.max(1, Math.round(v) || 1));
}

export function useNewAgent({ onCreate }: { onCreate(n: NewAgent): Promise<Agent> }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [categories, setCategories] = useState<CategoryPick[]>([]);
  const [mode, setMode] = useState<Mode>(DEFAULT_SETTINGS.mode);
  const [k, setKState] = useState(DEFAULT_SETTINGS.k);
  const [error, setError] = useState<CommandError | null>(null);
  const [busy, setBusy] = useState(false);

  /** Opens the dialog afresh, with `initial` as the categories. */
  const openWith = useCallback((initial: CategoryPick[]) => {
    setName("");
    setDescription("");
    setCategories(initial);
    setMode(DEFAULT_SETTINGS.mode);
    setKState(DEFAULT_SETTINGS.k);
    setError(null);
    setOpen(true);
  }, []);

  const close = useCallback(() => setOpen(false), []);
  const add = useCallback((picks: CategoryPick[]) => setCategories((c) => addPicks(c, picks)), []);
  const removeCategory = useCallback((key: string) => setCategories((c) => c.filter((x) => x.key !== key)), []);
  const setK = useCallback((v: number) => setKState(clampK(v)), []);

  const canSubmit = !busy && name.trim() !== "" && categories.length > 0;

  /** Creates the agent; the dialog closes on success, shows the refusal otherwise. */
  const submit = useCallback(async (): Promise<Agent | null> => {
    if (!canSubmit) return null;
    setBusy(true);
    setError(null);
    try {
      const a = await onCreate({
        name: name.trim(),
        description: description.trim(),
        categories: categories.map((c) => c.key),
        pinned_version: null,
        settings: { ...DEFAULT_SETTINGS, mode, k },
      });
      setOpen(false);
      return a;
    } catch (e) {
      setError(api.toCommandError(e));
      return null;
    } finally {
      setBusy(false);
    }
  }, [canSubmit, onCreate, name, description, categories, mode, k]);

  return {
    open,
    openWith,
    close,
    name,
    setName,
    description,
    setDescription,
    categories,
    add,
    removeCategory,
    mode,
    setMode,
    k,
    setK,
    error,
    busy,
    canSubmit,
    submit,
  };
}
