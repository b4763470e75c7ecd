import { isFinal } from "../core/status.ts";
import type { Usage } from "../core/usage.ts";
import type { BookEntry } from "./agents.ts";
import type { AgentEntry } from "./outputs.ts";
import { snakeKeys } from "./snake.ts";

export const AGENT_URI_PREFIX = "baton://agents/";

export function agentUri(id: string): string {
  return `${AGENT_URI_PREFIX}${id}`;
}

export function usageView(usage: Usage): AgentEntry["usage"] {
  return snakeKeys(usage);
}

/** One agent as list_agents and its resource show it; `end_reason` is null while a turn runs or waits. */
export function agentView(entry: BookEntry): AgentEntry {
  if (entry.closed) {
    const a = entry.closed;
    return {
      agent_id: a.id,
      label: a.label,
      status: "shutdown",
      end_reason: a.endReason,
      error: a.error ?? null,
      usage: usageView(a.usage),
      turns: a.turns,
      submission_id: a.submissionId ?? null,
      queued_inputs: 0,
      thread_id: a.threadId ?? null,
      created_at: new Date(a.createdAt).toISOString(),
      last_activity_at: new Date(a.closedAt).toISOString(),
      uri: agentUri(a.id),
    };
  }
  const a = entry.live;
  const final = isFinal(a.status);
  return {
    agent_id: a.id,
    label: a.label,
    status: a.status,
    end_reason: final ? (a.endReason ?? null) : null,
    error: final ? (a.error ?? null) : null,
    usage: usageView(a.usage),
    turns: a.turns.length,
    submission_id: a.turns.at(-1)?.submissionId ?? null,
    queued_inputs: a.queuedInputs,
    thread_id: a.threadId ?? null,
    created_at: new Date(a.createdAt).toISOString(),
    last_activity_at: new Date(a.lastActivityAt).toISOString(),
    uri: agentUri(a.id),
  };
}
