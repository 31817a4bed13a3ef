// Non-blocking progress indicator: shown while a call has been running for more than 150 ms.
import { useEffect, useState } from "react";
import type { BusyTask } from "../services";
import { formatElapsed } from "../format";

export const BUSY_DELAY_MS = 150;

export function Progress({ tasks }: { tasks: readonly BusyTask[] }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (tasks.length === 0) return;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 100);
    return () => clearInterval(t);
  }, [tasks]);
  const visible = tasks.filter((t) => now - t.started >= BUSY_DELAY_MS);
  if (visible.length === 0) return null;
  const oldest = visible[0];
  return (
    <div className="progress" role="status" aria-live="polite" data-testid="progress">
      <span className="spinner" aria-hidden="true" />
      <span className="progress-label">{oldest.label}</span>
      <span className="progress-time">{formatElapsed(now - oldest.started)}</span>
      {visible.length > 1 && <span className="muted">+{visible.length - 1} more</span>}
    </div>
  );
}
