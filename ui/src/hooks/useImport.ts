// Importing a taxonomy file (connection tab): publishes a version, then the versions are read again.
import { useCallback } from "react";
import type { Published } from "../bindings";
import * as api from "../api";
import type { Shell } from "./useShell";

export function useImport({
  run,
  report,
  onImported,
}: Pick<Shell, "run" | "report"> & {
  /** After an import that published a version. */
  onImported(): void;
}) {
  return useCallback(
    (path: string, message: string): Promise<Published | null> =>
      run("Importing…", () => api.importTaxonomy(path, message)).then(
        (p) => {
          if (p.version !== null) onImported();
          return p;
        },
        (e: unknown) => {
          report(e);
          return null;
        },
      ),
    [run, report, onImported],
  );
}
