// Restoring an old version: which version the dialog restores (null: closed) and what follows a
// rollback (the status message, the versions read again, the new head selected).
import { useCallback, useState } from "react";
import type { RollbackOutcome } from "../bindings";
import { formatMs } from "../format";
import type { Shell } from "./useShell";
import type { Versions } from "./useVersions";

export type Rollback = ReturnType<typeof useRollback>;

export function useRollback({
  report,
  setStatusMessage,
  loadVersions,
  onRolledBack,
}: Pick<Shell, "report" | "setStatusMessage"> & { loadVersions: Versions["load"]; onRolledBack(): void }) {
  const [to, setTo] = useState<number | null>(null);
  const close = useCallback(() => setTo(null), []);

  const done = useCallback(
    (o: RollbackOutcome) => {
      setStatusMessage(
        o.version !== null
          ? `Restored version ${o.restored} as version ${o.version} in ${formatMs(o.elapsed_ms)}`
          : `Nothing to restore: the head already equals version ${o.restored}`,
      );
      onRolledBack();
      loadVersions("head").catch(report);
    },
    [setStatusMessage, onRolledBack, loadVersions, report],
  );

  return { to, open: setTo, close, done };
}
