// The versions: the list, the one viewed in the tree, the head, and whether the view is read-only
// (an older version than the head is viewed). Read again whenever a connection becomes ready.
import { useCallback, useEffect, useState } from "react";
import type { Version } from "../bindings";
import * as api from "../api";
import type { Shell } from "./useShell";

export function headOf(versions: readonly Version[]): number | null {
  let h: number | null = null;
  for (const v of versions) if (h === null || v.version > h) h = v.version;
  return h;
}

export type Versions = ReturnType<typeof useVersions>;

export function useVersions({ ready, epoch, run, report }: Pick<Shell, "run" | "report"> & { ready: boolean; epoch: number }) {
  const [versions, setVersions] = useState<Version[]>([]);
  const [selected, setSelected] = useState<number | null>(null);
  const head = headOf(versions);
  const readOnly = selected !== null && head !== null && selected !== head;
  const editable = ready && selected !== null && !readOnly;

  /** Reads the list; selects `select`, the head, or (by default) keeps the selection if it still exists. */
  const load = useCallback(
    async (select?: number | "head"): Promise<Version[]> => {
      const vs = await run("Loading versions…", () => api.listVersions());
      setVersions(vs);
      const h = headOf(vs);
      if (select === "head") setSelected(h);
      else if (typeof select === "number") setSelected(select);
      else setSelected((s) => (s !== null && vs.some((v) => v.version === s) ? s : h));
      return vs;
    },
    [run],
  );

  useEffect(() => {
    if (ready) load("head").catch(report);
  }, [ready, epoch, load, report]);

  /** Forgets the versions of the previous connection. */
  const reset = useCallback(() => {
    setVersions([]);
    setSelected(null);
  }, []);

  return { versions, selected, select: setSelected, head, readOnly, editable, load, reset };
}
