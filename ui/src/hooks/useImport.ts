// Importing a taxonomy file (connection tab): previews what it would change, publishes a version,
// then the versions are read again.
import { useCallback, useMemo } from "react";
import type { ImportPreview, Imported } from "../bindings";
import * as api from "../api";
import type { Shell } from "./useShell";

export type ImportActions = {
  importFile(path: string, message: string, opts?: api.ImportOptions): Promise<Imported | null>;
  previewImport(path: string, opts?: api.ImportOptions): Promise<ImportPreview | null>;
};

export function useImport({
  run,
  report,
  onImported,
}: Pick<Shell, "run" | "report"> & {
  /** After an import that published a version. */
  onImported(): void;
}): ImportActions {
  const importFile = useCallback(
    (path: string, message: string, opts: api.ImportOptions = {}): Promise<Imported | null> =>
      run("Importing…", () => api.importTaxonomy(path, message, opts)).then(
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
  const previewImport = useCallback(
    (path: string, opts: api.ImportOptions = {}): Promise<ImportPreview | null> =>
      run("Previewing the import…", () => api.previewImport(path, opts)).catch((e: unknown) => {
        report(e);
        return null;
      }),
    [run, report],
  );
  return useMemo(() => ({ importFile, previewImport }), [importFile, previewImport]);
}
