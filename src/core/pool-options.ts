import type { Backend } from "../backends/types.ts";
import { BatonError } from "../errors.ts";
import type { PoolEvent } from "./pool-events.ts";
import type { Supervisor } from "./process/supervisor.ts";
import type { RateLimitOptions } from "./retry.ts";
import type { TurnStarter } from "./turn.ts";

export interface PoolOptions {
  /** One backend, or several by name (the first is the default). */
  backends: Backend | Record<string, Backend>;
  /** Turns running at once; more are queued FIFO. Default 6 (Codex's agents.max_threads). */
  concurrency?: number;
  /** Default per-turn deadline. Default 30 minutes. */
  turnTimeoutMs?: number;
  /** Default stall watchdog: no worker output for this long kills the turn. Default 10 minutes. */
  stallTimeoutMs?: number;
  /** SIGTERM → SIGKILL grace when a turn is stopped. Default 1000 ms. */
  killGraceMs?: number;
  /** Working directory of agents that do not set one. Default: process.cwd(). */
  cwd?: string;
  /** Where per-agent scratch files go (output schemas). Default: a temporary directory removed on shutdown. */
  scratchDir?: string;
  /**
   * Fleet-wide token budget (input + output, all agents). Once reached, no turn starts and running
   * turns are stopped; their end reason is `budget_exhausted` and what they produced is kept.
   */
  maxTokens?: number;
  /** Re-queueing of turns that failed on a rate limit (HTTP 429). */
  rateLimit?: RateLimitOptions;
  /** Every lifecycle and worker event, in order, e.g. for a journal or a live view. See also `events()`. */
  onEvent?: (event: PoolEvent) => void;
  /** A listener (onEvent, events()) that threw. Default: a process warning; the pool goes on. */
  onListenerError?: (error: unknown) => void;
  /** The owner of every process the pool starts. Default: a supervisor of its own, disposed at shutdown. */
  supervisor?: Supervisor;
  /** Starts each turn; default: here (`startTurn`). The worker fleet runs them on other machines. */
  turns?: TurnStarter;
  /** Aborting cancels the whole pool (like `cancelAll()`). */
  signal?: AbortSignal;
}

export function isBackend(value: PoolOptions["backends"]): value is Backend {
  const candidate = value as Backend;
  return typeof candidate.name === "string" && typeof candidate.resolve === "function";
}

export function checkConcurrency(value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new BatonError("E_USAGE", `Pool: concurrency must be a whole number ≥ 1, got ${value}`);
  }
  return value;
}

export function warnListener(error: unknown): void {
  process.emitWarning(error instanceof Error ? error : String(error), {
    code: "BATON_LISTENER",
    detail: "a pool event listener threw; the pool went on",
  });
}
