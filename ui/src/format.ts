// Dates, durations and short descriptions for display.
import type { Version } from "./bindings";

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** "2025-11-25 11:55:03" in local time; the input unchanged when it is not a date. */
export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A duration in milliseconds: "0.4 ms", "45 ms", "1.23 s", "2 min 5 s". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "–";
  if (ms < 10) return `${Math.round(ms * 10) / 10} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** Elapsed whole seconds for a progress indicator: "0 s", "12 s". */
export function formatElapsed(ms: number): string {
  return `${Math.max(0, Math.floor(ms / 1000))} s`;
}

/** One line for a version list: "v12 · edit · alice · fix typos · 2025-11-25 11:55:03". */
export function describeVersion(v: Version): string {
  const parts = [`v${v.version}`, v.kind, v.author];
  if (v.message) parts.push(v.message);
  parts.push(formatDateTime(v.created_at));
  if (v.restored_from !== null) parts.push(`restores v${v.restored_from}`);
  return parts.join(" · ");
}

/** "1 node" / "3 nodes". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
