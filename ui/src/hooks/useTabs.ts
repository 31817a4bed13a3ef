// The right-hand tabs: which one is shown, and which were ever opened (a tab's panel is mounted
// the first time it is opened and then kept, hidden, so its state survives switching tabs).
import { useCallback, useState } from "react";

export type Tab = "details" | "search" | "review" | "agents" | "diff" | "draft" | "quality" | "history" | "connection";

export const TABS: readonly { id: Tab; label: string }[] = [
  { id: "details", label: "Details" },
  { id: "search", label: "Search" },
  { id: "review", label: "Review" },
  { id: "agents", label: "Agents" },
  { id: "diff", label: "Diff" },
  { id: "draft", label: "Draft" },
  { id: "quality", label: "Quality" },
  { id: "history", label: "History" },
  { id: "connection", label: "Connection" },
];

export type Tabs = ReturnType<typeof useTabs>;

export function useTabs() {
  const [tab, setTab] = useState<Tab>("details");
  const [visited, setVisited] = useState<ReadonlySet<Tab>>(new Set<Tab>(["details"]));
  const openTab = useCallback((t: Tab) => {
    setTab(t);
    setVisited((v) => (v.has(t) ? v : new Set(v).add(t)));
  }, []);
  return { tab, visited, openTab };
}
