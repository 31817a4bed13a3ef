// The database connection: the embedded PostgreSQL or a URL (password in the OS keyring if wanted).
import { useState } from "react";
import type { ConnectRequest, ConnectionStatus } from "../bindings";
import { Modal } from "./Modal";

export const NO_KEYRING = "no keyring available: the password will be asked each time";

export function stateText(s: ConnectionStatus | null): string {
  if (!s) return "unknown";
  switch (s.state) {
    case "ready":
      return "connected";
    case "connecting":
      return "connecting…";
    case "needs_password":
      return "needs the password";
    case "error":
      return "error";
    default: {
      const unexpected: never = s.state;
      return String(unexpected);
    }
  }
}

function RememberBox({ status, remember, setRemember }: { status: ConnectionStatus | null; remember: boolean; setRemember(b: boolean): void }) {
  const available = status?.keyring_available ?? false;
  return (
    <label className={"checkbox" + (available ? "" : " disabled")}>
      <input
        type="checkbox"
        data-testid="remember-password"
        checked={available && remember}
        disabled={!available}
        onChange={(e) => setRemember(e.target.checked)}
      />
      Remember the password in the OS keyring
      {!available && (
        <span className="muted block" data-testid="keyring-message">
          {status?.keyring_message ? status.keyring_message : NO_KEYRING}
        </span>
      )}
    </label>
  );
}

export function ConnectionView({
  status,
  onConnect,
  onEmbedded,
  busy,
}: {
  status: ConnectionStatus | null;
  onConnect(req: ConnectRequest): void;
  onEmbedded(): void;
  busy: boolean;
}) {
  const [url, setUrl] = useState(status?.kind === "url" ? status.description : "");
  const [password, setPassword] = useState("");
  const [remember, setRemember] = useState(false);

  return (
    <div className="panel connection-panel" data-testid="connection-panel">
      <dl className="details-fields">
        <dt>Database</dt>
        <dd data-testid="connection-kind">{status ? (status.kind === "embedded" ? "Embedded PostgreSQL" : "PostgreSQL URL") : "–"}</dd>
        <dt>{status?.kind === "embedded" ? "Data directory" : "URL"}</dt>
        <dd>
          <code>{status?.description ?? "–"}</code>
        </dd>
        <dt>State</dt>
        <dd data-testid="connection-state" data-state={status?.state}>
          <span className={`conn-dot state-${status?.state ?? "unknown"}`} /> {stateText(status)}
        </dd>
        {status?.notice && (
          <>
            <dt>Notice</dt>
            <dd data-testid="connection-notice">{status.notice}</dd>
          </>
        )}
        {status?.error && (
          <>
            <dt>Error</dt>
            <dd className="error-inline" data-testid="connection-error">
              {status.error}
            </dd>
          </>
        )}
      </dl>

      <form
        className="col-form connect-form"
        onSubmit={(e) => {
          e.preventDefault();
          onConnect({ url: url.trim(), password: password === "" ? null : password, remember });
          setPassword("");
        }}
      >
        <h3>Connect to a PostgreSQL server</h3>
        <label>
          URL (without the password)
          <input
            data-testid="connect-url"
            placeholder="postgres://user@host:5432/dtrag"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            autoComplete="off"
            spellCheck={false}
          />
        </label>
        <label>
          Password
          <input data-testid="connect-password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="off" />
        </label>
        <RememberBox status={status} remember={remember} setRemember={setRemember} />
        <div className="buttons">
          <button type="submit" className="primary" data-testid="connect-button" disabled={busy || url.trim() === ""}>
            Connect
          </button>
          <button type="button" data-testid="use-embedded" disabled={busy} onClick={onEmbedded}>
            Use embedded database
          </button>
        </div>
      </form>
    </div>
  );
}

/** Asked on start when the saved connection's password is not in a keyring. */
export function PasswordPrompt({
  status,
  onSubmit,
  onEmbedded,
}: {
  status: ConnectionStatus;
  onSubmit(req: ConnectRequest): void;
  onEmbedded(): void;
}) {
  const [password, setPassword] = useState("");
  const [remember, setRemember] = useState(false);
  return (
    <Modal title="Database password" onClose={() => undefined} testId="password-prompt">
      <form
        className="col-form"
        onSubmit={(e) => {
          e.preventDefault();
          onSubmit({ url: status.description, password, remember });
        }}
      >
        <p>
          The password for <code>{status.description}</code>:
        </p>
        <input type="password" data-testid="prompt-password" autoFocus value={password} onChange={(e) => setPassword(e.target.value)} aria-label="Password" />
        <RememberBox status={status} remember={remember} setRemember={setRemember} />
        <div className="modal-buttons">
          <button type="submit" className="primary" data-testid="prompt-connect">
            Connect
          </button>
          <button type="button" onClick={onEmbedded}>
            Use embedded database instead
          </button>
        </div>
      </form>
    </Modal>
  );
}
