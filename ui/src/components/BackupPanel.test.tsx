import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import type { BackupReport, Progress, RestoreReport } from "../bindings";
import { BackupPanel, progressText, restoreText } from "./BackupPanel";

const REPORT: BackupReport = {
  file: "/data/backups/dtrag-dtrag-1.dump",
  manifest_file: "/data/backups/dtrag-dtrag-1.dump.meta.json",
  manifest: { app_version: "0.1.0", migration_level: 12, created_at: "2026-12-02T00:00:00Z", database: "dtrag", fingerprint: "abc" },
  bytes: 1024,
  took_ms: 1500,
};

const RESTORED: RestoreReport = {
  file: "/b.dump",
  database: "copy",
  migration_level: 12,
  verified: true,
  fingerprint: "abc",
  roles_created: [],
  took_ms: 900,
};

describe("BackupPanel", () => {
  it("backs up with progress and says where the file went", async () => {
    let report: (p: Progress) => void = () => undefined;
    let finish: (r: BackupReport) => void = () => undefined;
    const onBackup = vi.fn((_file: string | null, onProgress: (p: Progress) => void) => {
      report = onProgress;
      return new Promise<BackupReport>((resolve) => (finish = resolve));
    });
    render(<BackupPanel disabled={false} onBackup={onBackup} onRestore={vi.fn()} />);
    fireEvent.click(screen.getByTestId("backup-button"));
    expect(onBackup).toHaveBeenCalledWith(null, expect.any(Function));
    report({ stage: "backup", done: 3, total: 30 });
    await waitFor(() => expect(screen.getByTestId("backup-progress").textContent).toBe("backed up 3 / 30 tables"));
    expect((screen.getByTestId("backup-button") as HTMLButtonElement).disabled).toBe(true);
    finish(REPORT);
    await waitFor(() => expect(screen.getByTestId("backup-outcome").textContent).toContain("/data/backups/dtrag-dtrag-1.dump"));
    expect(screen.getByTestId("backup-outcome").textContent).toContain("migration 12");
  });

  it("restores into the named database and shows a refusal as an error", async () => {
    const onRestore = vi
      .fn()
      .mockRejectedValueOnce({ kind: "invalid_input", message: "the backup is at migration 99, newer than this build knows (12)" })
      .mockResolvedValueOnce(RESTORED);
    render(<BackupPanel disabled={false} onBackup={vi.fn()} onRestore={onRestore} />);
    const button = screen.getByTestId("restore-button") as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    fireEvent.change(screen.getByTestId("restore-file"), { target: { value: " /b.dump " } });
    fireEvent.change(screen.getByTestId("restore-into"), { target: { value: "copy" } });
    fireEvent.click(button);
    await waitFor(() => expect(screen.getByTestId("backup-error").textContent).toContain("newer than this build"));
    expect(onRestore).toHaveBeenCalledWith("/b.dump", "copy", expect.any(Function));
    fireEvent.click(button);
    await waitFor(() => expect(screen.getByTestId("backup-outcome").textContent).toBe("Restored into copy (migration 12): fingerprint verified"));
  });

  it("words progress and unverified restores", () => {
    expect(progressText({ stage: "restore", done: 1, total: 2 })).toBe("restored 1 / 2 tables");
    expect(progressText(null)).toBe("");
    expect(restoreText({ ...RESTORED, verified: null, roles_created: ["dtrag_agent_0123456789abcdef"] })).toContain(
      "not verified (no manifest beside the backup); 1 agent role(s) created without logins",
    );
  });
});
