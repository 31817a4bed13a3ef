import { useEffect, useRef, type ReactNode } from "react";

/** A modal dialog: focus moves into it, Escape closes it. */
export function Modal({ title, onClose, children, testId }: { title: string; onClose(): void; children: ReactNode; testId?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    const first = el?.querySelector<HTMLElement>("[autofocus], input, textarea, button:not([disabled])");
    first?.focus();
  }, []);
  return (
    <div className="modal-backdrop">
      <div
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-label={title}
        data-testid={testId}
        ref={ref}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.stopPropagation();
            onClose();
          }
        }}
      >
        <h2>{title}</h2>
        {children}
      </div>
    </div>
  );
}

export function ConfirmDialog({
  title,
  text,
  actions,
  onClose,
}: {
  title: string;
  text: ReactNode;
  actions: { label: string; onClick(): void; testId?: string; danger?: boolean }[];
  onClose(): void;
}) {
  return (
    <Modal title={title} onClose={onClose} testId="confirm-dialog">
      <div className="modal-text">{text}</div>
      <div className="modal-buttons">
        {actions.map((a) => (
          <button key={a.label} type="button" className={a.danger ? "danger" : ""} data-testid={a.testId} onClick={a.onClick}>
            {a.label}
          </button>
        ))}
        <button type="button" data-testid="confirm-cancel" onClick={onClose}>
          Cancel
        </button>
      </div>
    </Modal>
  );
}
