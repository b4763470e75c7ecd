import { z } from "zod";

/** Agent statuses, named as Codex names them. */
export const AgentStatusSchema = z.enum([
  "pending_init", // spawned, waiting for a slot
  "running", // a turn is in progress
  "completed", // the last turn finished; the agent is idle and takes send_input
  "errored", // the last turn failed, timed out or stalled; see endReason and error
  "interrupted", // stopped by cancel; partial output kept
  "shutdown", // closed: irreversible
  "not_found",
]);
export type AgentStatus = z.infer<typeof AgentStatusSchema>;

/** Why an agent's last turn ended. Every final state carries one. */
export const EndReasonSchema = z.enum([
  "completed",
  "failed",
  "timed_out",
  "stalled",
  "cancelled",
  "closed",
  "interrupted",
  "budget_exhausted",
  "rate_limited",
]);
export type EndReason = z.infer<typeof EndReasonSchema>;

const FINAL: ReadonlySet<AgentStatus> = new Set([
  "completed",
  "errored",
  "interrupted",
  "shutdown",
  "not_found",
]);

/** A status `wait` returns for: nothing more will happen unless someone sends input. */
export function isFinal(status: AgentStatus): boolean {
  return FINAL.has(status);
}

export function statusForEnd(reason: EndReason): AgentStatus {
  switch (reason) {
    case "completed":
      return "completed";
    case "closed":
      return "shutdown";
    case "cancelled":
    case "interrupted":
      return "interrupted";
    default:
      return "errored";
  }
}
