import { BatonError } from "../errors.ts";
import { type Agent, agentStatus } from "./agent.ts";
import { type AgentStatus, type EndReason, isFinal } from "./status.ts";

export interface WaitOptions {
  /** Give up after this long and return what is known. Default: no limit. */
  timeoutMs?: number;
  /** `all` (default): every id final. `any`: the first final id ends the wait. */
  mode?: "all" | "any";
  /** Ends the wait early (e.g. the caller was cancelled): returns what is known, with `aborted: true`. */
  signal?: AbortSignal;
}

/** Codex-compatible entry: `{completed: "<final message>"}`, `{errored: "<why>"}`, `{running: null}`, … */
export type WaitStatusEntry = Partial<Record<AgentStatus, string | null>>;

export interface WaitResult {
  status: Record<string, WaitStatusEntry>;
  timedOut: boolean;
  /** The wait's signal ended it before the agents did (not a timeout). */
  aborted?: boolean;
  /** The end reason of every final agent, for callers that need more than Codex's shape. */
  endReasons: Record<string, EndReason>;
}

export function waitFor(
  ids: readonly string[],
  options: WaitOptions,
  lookup: (id: string) => Agent | undefined,
): Promise<WaitResult> {
  if (!Array.isArray(ids) || ids.length === 0) {
    return Promise.reject(new BatonError("E_USAGE", "wait: `ids` must be a non-empty list of agent ids"));
  }
  const mode = options.mode ?? "all";
  if (mode !== "all" && mode !== "any") {
    return Promise.reject(
      new BatonError("E_USAGE", `wait: mode must be "all" or "any", got "${String(mode)}"`),
    );
  }
  const timeoutMs = options.timeoutMs;
  if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs >= 0)) {
    return Promise.reject(
      new BatonError("E_USAGE", `wait: timeoutMs must be a number ≥ 0, got ${timeoutMs}`),
    );
  }
  const unique = [...new Set(ids)];
  const report = (end: "done" | "timeout" | "abort"): WaitResult => {
    const result: WaitResult = { status: {}, timedOut: end === "timeout", endReasons: {} };
    if (end === "abort") result.aborted = true;
    for (const id of unique) {
      const agent = lookup(id);
      result.status[id] = entryOf(agent);
      if (agent?.endReason && isFinal(agentStatus(agent))) result.endReasons[id] = agent.endReason;
    }
    return result;
  };

  const pending = new Set(unique.filter((id) => !isFinalAgent(lookup(id))));
  const done = mode === "all" ? pending.size === 0 : pending.size < unique.length;
  if (done) return Promise.resolve(report("done"));

  return new Promise((resolve) => {
    const subscriptions: Array<() => void> = [];
    let timer: NodeJS.Timeout | undefined;
    const finish = (end: "done" | "timeout" | "abort") => {
      for (const unsubscribe of subscriptions) unsubscribe();
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      resolve(report(end));
    };
    const onAbort = () => finish("abort");
    for (const id of pending) {
      const agent = lookup(id)!;
      const listener = () => {
        pending.delete(id);
        if (mode === "any" || pending.size === 0) finish("done");
      };
      agent.listeners.add(listener);
      subscriptions.push(() => agent.listeners.delete(listener));
    }
    if (timeoutMs !== undefined) timer = setTimeout(() => finish("timeout"), timeoutMs);
    if (options.signal?.aborted) finish("abort");
    else options.signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function isFinalAgent(agent: Agent | undefined): boolean {
  return agent === undefined || isFinal(agentStatus(agent));
}

function entryOf(agent: Agent | undefined): WaitStatusEntry {
  if (!agent) return { not_found: null };
  const status = agentStatus(agent);
  switch (status) {
    case "completed":
      return { completed: agent.finalMessage ?? "" };
    case "errored":
    case "interrupted":
      return { [status]: agent.error ?? agent.endReason ?? status };
    case "shutdown":
      return { shutdown: agent.finalMessage ?? null };
    default:
      return { [status]: null };
  }
}
