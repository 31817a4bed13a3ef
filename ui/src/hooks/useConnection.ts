// The database connection: its status (polled while the shell is connecting, e.g. while the
// embedded database starts), connecting to a URL or to the embedded database, and the epoch that
// changes with each new connection (views read their data again when it does).
import { useCallback, useEffect, useRef, useState } from "react";
import type { CommandError, ConnectRequest, ConnectionStatus } from "../bindings";
import * as api from "../api";
import type { Shell } from "./useShell";
import type { Tab } from "./useTabs";

export type Connection = ReturnType<typeof useConnection>;

function unavailable(message: string): CommandError {
  return { kind: "unavailable", message, path: null, keys: null };
}

export function useConnection({
  run,
  report,
  tasks,
  setError,
  setStatusMessage,
  openTab,
  onNewConnection,
}: Pick<Shell, "run" | "report" | "tasks" | "setError" | "setStatusMessage"> & {
  openTab(t: Tab): void;
  /** Called (with the new status) when a connection replaces the previous one: drop what was read from it. */
  onNewConnection(s: ConnectionStatus): void;
}) {
  const [status, setStatus] = useState<ConnectionStatus | null>(null);
  const [epoch, setEpoch] = useState(0);
  const onNew = useRef(onNewConnection);
  onNew.current = onNewConnection;

  const ready = status?.state === "ready";
  const connecting = status === null || status.state === "connecting";

  // Poll the status while the shell is connecting (the embedded database may be starting).
  useEffect(() => {
    if (!connecting) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = () => {
      api.connectionStatus().then(
        (s) => {
          if (!live) return;
          setStatus(s);
          const state = s.state;
          switch (state) {
            case "connecting":
              timer = setTimeout(poll, 400);
              break;
            case "error":
              setError(unavailable(s.error ?? "could not connect to the database"));
              openTab("connection");
              break;
            case "ready":
            case "needs_password":
              break;
            default: {
              const unexpected: never = state;
              void unexpected;
            }
          }
        },
        (e: unknown) => {
          if (!live) return;
          report(e);
          timer = setTimeout(poll, 2000);
        },
      );
    };
    poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [connecting, report, openTab, setError]);

  const afterConnect = useCallback(
    (s: ConnectionStatus) => {
      setStatus(s);
      onNew.current(s);
      setEpoch((x) => x + 1);
      const state = s.state;
      switch (state) {
        case "error":
          setError(unavailable(s.error ?? "could not connect"));
          break;
        case "ready":
          setError(null);
          setStatusMessage(`Connected to ${s.kind === "embedded" ? "the embedded database" : s.description}`);
          break;
        case "connecting":
        case "needs_password":
          break;
        default: {
          const unexpected: never = state;
          void unexpected;
        }
      }
    },
    [setError, setStatusMessage],
  );

  const connect = useCallback(
    (req: ConnectRequest) => {
      run(req.url ? "Connecting…" : "Starting the embedded database…", () => api.connect(req)).then(afterConnect, report);
    },
    [run, afterConnect, report],
  );

  const switchToEmbedded = useCallback(() => {
    run("Starting the embedded database…", () => api.forgetConnection()).then(afterConnect, report);
  }, [run, afterConnect, report]);

  const busy = tasks.some((t) => t.label.startsWith("Connecting") || t.label.startsWith("Starting"));

  return { status, epoch, ready, busy, connect, switchToEmbedded };
}
