// The selected agent's leak self-check (`agents_check`): probes run as its role, rolled back.
import { useCallback, useEffect, useState } from "react";
import type { CommandError, SelfCheck } from "../bindings";
import * as api from "../api";
import { useServices } from "../services";

export type AgentSelfCheck = ReturnType<typeof useAgentSelfCheck>;

export function useAgentSelfCheck(agent: string | null) {
  const { run } = useServices();
  const [result, setResult] = useState<SelfCheck | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setResult(null);
    setError(null);
  }, [agent]);

  const check = useCallback(async () => {
    if (agent === null || busy) return;
    setBusy(true);
    setError(null);
    try {
      setResult(await run(`Checking the isolation of ${agent}…`, () => api.agentsCheck(agent)));
    } catch (e) {
      setResult(null);
      setError(api.toCommandError(e));
    } finally {
      setBusy(false);
    }
  }, [agent, busy, run]);

  return { result, error, busy, check };
}
