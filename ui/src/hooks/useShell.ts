// The shell's services: the busy indicator's tasks, the last call's timing, the error banner and
// the status bar's message. `services` is what ServicesContext provides to every component.
import { useCallback, useMemo, useRef, useState } from "react";
import type { CommandError } from "../bindings";
import * as api from "../api";
import { formatMs } from "../format";
import type { BusyTask, Services } from "../services";

export type Shell = ReturnType<typeof useShell>;

export function useShell() {
  const [tasks, setTasks] = useState<BusyTask[]>([]);
  const [lastCall, setLastCall] = useState<string | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const [statusMessage, setStatusMessage] = useState<string | null>(null);
  const nextTask = useRef(1);

  const run = useCallback(async <T,>(label: string, fn: () => Promise<T>): Promise<T> => {
    const id = nextTask.current++;
    const t0 = performance.now();
    setTasks((ts) => [...ts, { id, label, started: Date.now() }]);
    try {
      return await fn();
    } finally {
      setTasks((ts) => ts.filter((t) => t.id !== id));
      setLastCall(`${label.replace(/…$/, "")}: ${formatMs(performance.now() - t0)}`);
    }
  }, []);
  const report = useCallback((e: unknown) => setError(api.toCommandError(e)), []);
  const services = useMemo<Services>(() => ({ run, report }), [run, report]);

  return { services, run, report, tasks, lastCall, error, setError, statusMessage, setStatusMessage };
}
