// What every component needs from the shell: run an IPC call with a progress indicator, report an
// error to the banner. Provided by App; the defaults make components usable alone in tests.
import { createContext, useContext } from "react";
import type { CommandError } from "./bindings";
import { toCommandError } from "./api";

export type Services = {
  /** Runs `fn`, showing `label` in the progress indicator while it takes longer than 150 ms. */
  run<T>(label: string, fn: () => Promise<T>): Promise<T>;
  /** Shows an error in the banner. */
  report(e: unknown): void;
};

export const ServicesContext = createContext<Services>({
  run: (_label, fn) => fn(),
  report: (e) => {
    console.error(toCommandError(e).message);
  },
});

export function useServices(): Services {
  return useContext(ServicesContext);
}

export type BusyTask = { id: number; label: string; started: number };

/** Ctrl/Cmd+key handlers must not steal undo from text fields. */
export function isTextField(el: Element | null): boolean {
  if (!el) return false;
  const tag = el.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT") {
    const type = (el as HTMLInputElement).type;
    return !["checkbox", "radio", "button", "submit", "reset"].includes(type);
  }
  return (el as HTMLElement).isContentEditable === true;
}

export type { CommandError };
