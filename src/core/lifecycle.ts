import { BatonError } from "../errors.ts";
import { type AgentStatus, type EndReason, statusForEnd } from "./status.ts";

/**
 * Where an agent is in its life. Exactly one at a time; every change goes through `MOVES`.
 *
 *   queued   a turn waits for a slot           starting  its process is being started
 *   running  a turn is in progress             stopping  a turn is being stopped (interrupt, cancel, close)
 *   idle     no turn; takes send_input         backoff   a rate-limited turn waits to be re-queued
 *   closed   irreversible
 */
export type Phase = "queued" | "starting" | "running" | "stopping" | "idle" | "backoff" | "closed";

/** The events that move an agent. */
export type Move =
  | "start" // a slot is free: the queued turn starts
  | "started" // its process runs
  | "stop" // interrupt, cancel, budget or close asked a running turn to stop
  | "end" // the turn ended and nothing follows: the agent rests
  | "requeue" // the turn ended and queued input (or an interrupt's message) continues the thread
  | "backoff" // the turn hit a rate limit and will be retried after a delay
  | "due" // the backoff delay passed
  | "input" // send_input to an idle agent
  | "halt" // a queued or backing-off turn ends without running (cancel, budget, run deadline)
  | "close"; // close_agent (after the running turn, if any, is gone)

export const MOVES: Readonly<Record<Phase, Partial<Record<Move, Phase>>>> = {
  queued: { start: "starting", halt: "idle", close: "closed" },
  starting: { started: "running" },
  running: { stop: "stopping", end: "idle", requeue: "queued", backoff: "backoff", close: "closed" },
  stopping: { end: "idle", requeue: "queued", close: "closed" },
  idle: { input: "queued", close: "closed" },
  backoff: { due: "queued", halt: "idle", close: "closed" },
  closed: {},
};

/** The phase `move` leads to from `phase`; an illegal move is a bug in the pool and throws. */
export function nextPhase(phase: Phase, move: Move, agentId: string): Phase {
  const next = MOVES[phase][move];
  if (next === undefined) {
    throw new BatonError("E_INTERNAL", `agent ${agentId}: illegal lifecycle move "${move}" from "${phase}"`, {
      agentId,
    });
  }
  return next;
}

/** The Codex-compatible status an agent shows in a phase (idle ones by their last end reason). */
export function statusOf(phase: Phase, endReason: EndReason | undefined): AgentStatus {
  switch (phase) {
    case "queued":
    case "backoff":
      return "pending_init";
    case "starting":
    case "running":
    case "stopping":
      return "running";
    case "idle":
      return statusForEnd(endReason ?? "completed");
    case "closed":
      return "shutdown";
  }
}
