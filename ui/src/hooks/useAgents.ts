// The agents view's data: the agents (`agents_list`, read each time the view is shown and when
// `refreshKey` changes: a publish or a rollback changes their scopes), the selected one, and the
// changes (create, update, remove) that keep the list current. A change that the library refuses
// rejects with its CommandError, for the form that made it to show.
import { useCallback, useEffect, useRef, useState } from "react";
import type { Agent, AgentChange, NewAgent } from "../bindings";
import * as api from "../api";
import { upsert } from "../agents/text";
import { useServices } from "../services";

export type Agents = ReturnType<typeof useAgents>;

export function useAgents({ active, ready, refreshKey }: { active: boolean; ready: boolean; refreshKey: number }) {
  const { run, report } = useServices();
  const [agents, setAgents] = useState<Agent[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  /** Only the latest read is applied; a change made meanwhile makes an older read stale. */
  const seq = useRef(0);

  const load = useCallback(() => {
    const mine = ++seq.current;
    run("Reading the agents…", () => api.agentsList()).then(
      (list) => {
        if (mine === seq.current) setAgents(list);
      },
      (e: unknown) => mine === seq.current && report(e),
    );
  }, [run, report]);

  useEffect(() => {
    if (active && ready) load();
  }, [active, ready, refreshKey, load]);

  // Nothing read from a previous connection is kept.
  useEffect(() => {
    if (ready) return;
    seq.current++;
    setAgents(null);
    setSelected(null);
  }, [ready]);

  /** An agent as the library returned it, in place of the listed one. */
  const put = useCallback((a: Agent) => {
    seq.current++;
    setAgents((list) => upsert(list ?? [], a));
  }, []);

  const create = useCallback(
    async (n: NewAgent): Promise<Agent> => {
      const a = await run(`Creating agent ${n.name}…`, () => api.agentsCreate(n));
      put(a);
      setSelected(a.name);
      return a;
    },
    [run, put],
  );

  const update = useCallback(
    async (name: string, change: AgentChange): Promise<Agent> => {
      const a = await run(`Saving agent ${name}…`, () => api.agentsUpdate(name, change));
      put(a);
      return a;
    },
    [run, put],
  );

  const remove = useCallback(
    async (name: string): Promise<Agent> => {
      const a = await run(`Removing agent ${name}…`, () => api.agentsRemove(name));
      seq.current++;
      setAgents((list) => (list ?? []).filter((x) => x.name !== name));
      setSelected((s) => (s === name ? null : s));
      return a;
    },
    [run],
  );

  /** Reads one agent again (after its login changed). */
  const refresh = useCallback(
    (name: string) => {
      api.agentsShow(name).then(put, report);
    },
    [put, report],
  );

  const current = agents?.find((a) => a.name === selected) ?? null;

  return { agents, selected, select: setSelected, current, load, create, update, remove, refresh };
}
