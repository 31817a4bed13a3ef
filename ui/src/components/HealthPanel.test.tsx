import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import type { Health } from "../bindings";
import { ageText, backupText, connectionsText, HealthPanel, megabytes } from "./HealthPanel";

const HEALTH: Health = {
  checked_at: "2026-12-02T10:00:00Z",
  server: {
    version: "15.10 (Debian 15.10-0+deb12u1)",
    version_num: 150010,
    extensions: [
      { name: "vector", version: "0.8.0", update_available: null },
      { name: "pg_stat_statements", version: "1.9", update_available: "1.10" },
    ],
    settings: [{ name: "shared_buffers", value: "128MB", source: "command line" }],
  },
  database: { name: "dtrag", bytes: 50 * 1024 * 1024, migration_level: 18 },
  connections: {
    in_use: 7,
    this_database: 5,
    max_connections: 300,
    reserved: 3,
    by_state: [
      { state: "active", count: 1 },
      { state: "idle", count: 6 },
    ],
  },
  shared_buffers_bytes: 128 * 1024 * 1024,
  vector_indexes: [{ name: "chunk_vectors_hnsw", table: "chunk_vectors", method: "hnsw", bytes: 200 * 1024 * 1024, fits_in_shared_buffers: false }],
  tables: [
    { name: "chunks", live_rows: 1000, dead_rows: 12, total_bytes: 4 * 1024 * 1024, index_bytes: 1024 * 1024, last_vacuum: null, last_analyze: "2026-12-02T09:00:00Z" },
  ],
  statements: {
    status: "enabled",
    message: null,
    slowest: [{ query: "SELECT $1 FROM chunks", calls: 3, mean_ms: 12.5, max_ms: 40, total_ms: 37.5, rows: 3 }],
    hidden: 2,
  },
  last_backup: { taken_at: "2026-12-02T07:00:00Z", taken_by: "alice", file: "/b/dtrag.dump", bytes: 10, migration_level: 18, fingerprint: "f", app_version: "0.1.0" },
  last_backup_age_s: 3 * 3600,
  warnings: [
    {
      subject: "vector_index",
      message: "chunk_vectors_hnsw (200.0 MB) does not fit in shared_buffers (128.0 MB)",
      fix: "ALTER SYSTEM SET shared_buffers = '512MB'",
    },
  ],
};

describe("HealthPanel", () => {
  it("loads when ready and shows warnings first, with their fix, then the figures", async () => {
    const onHealth = vi.fn().mockResolvedValue(HEALTH);
    render(<HealthPanel disabled={false} onHealth={onHealth} />);
    await waitFor(() => expect(screen.getByTestId("health-warning").getAttribute("data-subject")).toBe("vector_index"));
    expect(onHealth).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId("health-fix").textContent).toBe("ALTER SYSTEM SET shared_buffers = '512MB'");
    expect(screen.getByTestId("health-connections").textContent).toBe("7 of 300 in use (3 reserved), 5 on this database: 1 active, 6 idle");
    expect(screen.getByTestId("health-extensions").textContent).toBe("vector 0.8.0, pg_stat_statements 1.9 (update to 1.10)");
    expect(screen.getByTestId("health-backup").textContent).toBe("3 h ago by alice: /b/dtrag.dump");
    expect(screen.getByTestId("health-index").getAttribute("data-fits")).toBe("false");
    expect(screen.getByTestId("health-statement").textContent).toContain("SELECT $1 FROM chunks");
    expect(screen.getByTestId("health-table").textContent).toContain("never");
    const first = screen.getByTestId("health-warnings");
    const figures = screen.getByTestId("health-figures");
    expect(first.compareDocumentPosition(figures) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it("waits for a database, refreshes on request and shows a failure as an error", async () => {
    const onHealth = vi
      .fn()
      .mockResolvedValueOnce({ ...HEALTH, warnings: [] })
      .mockRejectedValueOnce({ kind: "unavailable", message: "the database is not reachable" });
    const { rerender } = render(<HealthPanel disabled={true} onHealth={onHealth} />);
    expect(onHealth).not.toHaveBeenCalled();
    expect((screen.getByTestId("health-refresh") as HTMLButtonElement).disabled).toBe(true);
    rerender(<HealthPanel disabled={false} onHealth={onHealth} />);
    await waitFor(() => expect(screen.getByTestId("health-ok")).toBeTruthy());
    fireEvent.click(screen.getByTestId("health-refresh"));
    await waitFor(() => expect(screen.getByTestId("health-error").textContent).toBe("the database is not reachable"));
    expect(onHealth).toHaveBeenCalledTimes(2);
  });

  it("says why statements are missing when pg_stat_statements is off", async () => {
    const off: Health = { ...HEALTH, statements: { status: "not_loaded", message: "add pg_stat_statements to shared_preload_libraries", slowest: [], hidden: 0 } };
    render(<HealthPanel disabled={false} onHealth={vi.fn().mockResolvedValue(off)} />);
    await waitFor(() => expect(screen.getByTestId("health-statements-off").textContent).toBe("add pg_stat_statements to shared_preload_libraries"));
  });

  it("words sizes, ages, connections and backups", () => {
    expect(megabytes(1536 * 1024)).toBe("1.5 MB");
    expect(ageText(30)).toBe("30 s ago");
    expect(ageText(600)).toBe("10 min ago");
    expect(ageText(3 * 86_400)).toBe("3 days ago");
    expect(backupText({ ...HEALTH, last_backup: null, last_backup_age_s: null })).toBe("none recorded");
    expect(connectionsText({ ...HEALTH, connections: { ...HEALTH.connections, by_state: [] } })).toBe("7 of 300 in use (3 reserved), 5 on this database");
  });
});
