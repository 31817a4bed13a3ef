// A refusal shown where it happened: the library's message, its kind for tests and styling.
import type { CommandError } from "../bindings";

export function InlineError({ error, testId }: { error: CommandError | null; testId: string }) {
  if (!error) return null;
  return (
    <p className="error-inline" role="alert" data-testid={testId} data-kind={error.kind}>
      {error.message}
    </p>
  );
}
