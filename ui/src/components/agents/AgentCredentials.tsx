// The agent's login for an external RAG service: issue one (a new password; the previous one stops
// working) and show the URL with a copy button, or revoke it. Without a reachable OS keyring the
// URL is the password's only copy, and the note says so.
import { useEffect, useRef } from "react";
import type { Agent } from "../../bindings";
import type { AgentCredentials as Creds } from "../../hooks/useAgentCredentials";
import { InlineError } from "../InlineError";

export function AgentCredentials({ agent, c }: { agent: Agent; c: Creds }) {
  const urlInput = useRef<HTMLInputElement>(null);
  const url = c.credentials?.url ?? null;

  // A new URL: focused and selected, so Ctrl+C copies it too.
  useEffect(() => {
    if (url === null) return;
    urlInput.current?.focus();
    urlInput.current?.select();
  }, [url]);

  return (
    <fieldset className="agent-credentials" data-testid="agent-credentials">
      <legend>Login</legend>
      <p className="muted" data-testid="agent-login-state">
        {agent.can_login
          ? `The role ${agent.role} can log in. A new login replaces its password.`
          : `The role ${agent.role} cannot log in. Issue a login to connect an external service as this agent.`}
      </p>
      <div className="buttons">
        <button type="button" data-testid="agent-issue-login" disabled={c.busy} onClick={() => void c.issue()}>
          {agent.can_login ? "Issue a new login" : "Issue a login"}
        </button>
        <button type="button" className="danger" data-testid="agent-revoke-login" disabled={c.busy || !agent.can_login} onClick={() => void c.revoke()}>
          Revoke the login
        </button>
      </div>
      {url !== null && c.credentials && (
        <div className="agent-url">
          <div className="toolbar-row">
            <input ref={urlInput} readOnly className="agent-url-input" data-testid="agent-url" aria-label="Connection URL" value={url} spellCheck={false} />
            <button type="button" data-testid="agent-copy-url" onClick={() => void c.copyUrl(urlInput.current)}>
              Copy
            </button>
            {c.copy === "copied" && (
              <span className="muted" role="status" data-testid="agent-copied">
                Copied.
              </span>
            )}
            {c.copy === "failed" && (
              <span className="warn" role="status" data-testid="agent-copy-failed">
                Could not copy: the URL is selected, press Ctrl+C.
              </span>
            )}
          </div>
          {c.credentials.in_keyring ? (
            <p className="muted" data-testid="agent-keyring-kept">
              The password is also kept in the OS keyring.
            </p>
          ) : (
            <p className="warn" data-testid="agent-keyring-note">
              No OS keyring is reachable: this URL is the only copy of the password. Copy it now; it is not shown again.
            </p>
          )}
        </div>
      )}
      {c.credentials && url === null && (
        <p className="muted" role="status" data-testid="agent-revoked">
          The role {c.credentials.role} can no longer log in; its sessions were ended.
        </p>
      )}
      <InlineError error={c.error} testId="agent-credentials-error" />
    </fieldset>
  );
}
