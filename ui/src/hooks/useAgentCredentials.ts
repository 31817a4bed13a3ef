// The selected agent's login: issue one (`agents_credentials`: a new password, the URL to connect
// with), revoke it, and copy the URL. The URL carries the password, so it is forgotten as soon as
// another agent is shown.
import { useCallback, useEffect, useState } from "react";
import type { CommandError, Credentials } from "../bindings";
import * as api from "../api";
import { useServices } from "../services";

export type AgentCredentials = ReturnType<typeof useAgentCredentials>;
export type CopyState = "copied" | "failed" | null;

/** Copies `text` to the clipboard; without the Clipboard API, selects `input` and copies that. */
export async function copyText(text: string, input: HTMLInputElement | null): Promise<boolean> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Refused (no permission, not focused): fall back to the selection.
  }
  if (!input) return false;
  input.focus();
  input.select();
  try {
    return typeof document.execCommand === "function" && document.execCommand("copy");
  } catch {
    return false;
  }
}

export function useAgentCredentials({ agent, onChanged }: { agent: string | null; onChanged(name: string): void }) {
  const { run } = useServices();
  const [credentials, setCredentials] = useState<Credentials | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const [busy, setBusy] = useState(false);
  const [copy, setCopy] = useState<CopyState>(null);

  useEffect(() => {
    setCredentials(null);
    setError(null);
    setCopy(null);
  }, [agent]);

  const ask = useCallback(
    async (revoke: boolean) => {
      if (agent === null || busy) return;
      setBusy(true);
      setError(null);
      setCopy(null);
      try {
        const c = await run(revoke ? `Revoking the login of ${agent}…` : `Issuing a login for ${agent}…`, () =>
          api.agentsCredentials(agent, revoke),
        );
        setCredentials(c);
        onChanged(agent);
      } catch (e) {
        setCredentials(null);
        setError(api.toCommandError(e));
      } finally {
        setBusy(false);
      }
    },
    [agent, busy, run, onChanged],
  );

  const copyUrl = useCallback(
    async (input: HTMLInputElement | null) => {
      const url = credentials?.url;
      if (!url) return;
      setCopy((await copyText(url, input)) ? "copied" : "failed");
    },
    [credentials],
  );

  return {
    credentials,
    error,
    busy,
    copy,
    issue: () => ask(false),
    revoke: () => ask(true),
    copyUrl,
  };
}
