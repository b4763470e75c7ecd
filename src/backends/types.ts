import type { Supervisor } from "../core/process/supervisor.ts";
import type { EndReason } from "../core/status.ts";
import type { Usage } from "../core/usage.ts";

/** Sandbox a worker runs in. Readers get `read-only`; only writers get more. */
export type SandboxMode = "read-only" | "workspace-write" | "danger-full-access";

/** One item of a worker's turn (a message, a command, a file change, …); unknown types are kept as they came. */
export interface WorkerItem {
  id: string;
  type: string;
  text?: string;
  [field: string]: unknown;
}

/** The typed event union every backend's stream is turned into. */
export type WorkerEvent =
  | { type: "thread.started"; threadId: string }
  | { type: "turn.started" }
  | { type: "item.started" | "item.updated" | "item.completed"; item: WorkerItem }
  | { type: "turn.completed"; usage?: Usage; usageIsCumulative: boolean }
  | { type: "turn.failed"; message: string; rateLimited?: boolean; retryAfterMs?: number }
  | { type: "error"; message: string }
  | { type: "unknown"; raw: unknown };

/** What a turn needs to know; the same for every backend. */
export interface TurnRequest {
  agentId: string;
  prompt: string;
  /** The backend's conversation id from an earlier turn; set for follow-up turns. */
  threadId?: string;
  cwd: string;
  sandbox: SandboxMode;
  /** JSON Schema the final message must match. */
  outputSchema?: Record<string, unknown>;
  /** Role / developer instructions added to the worker's own. */
  instructions?: string;
  model?: string;
  /** A directory the backend may write per-turn files to (schema file, last message); it creates it first. */
  scratchDir: string;
}

/** How to start one turn as one process. */
export interface TurnCommand {
  file: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Text to write to the worker's stdin, then close it. Absent: stdin is closed at once. */
  stdin?: string;
}

/** Per-turn stream parser; created fresh for every turn. */
export interface TurnParser {
  /** One stdout line → zero or more events. Must never throw on unexpected input. */
  line(text: string): WorkerEvent[];
  /** Called at process exit; backends that have no terminal event (plain CLIs) emit theirs here. */
  end(exit: { exitCode: number | null; signal: string | null; stderrTail: string }): WorkerEvent[];
}

interface BackendBase {
  readonly name: string;
  /** Throws `BatonError("E_BACKEND_MISSING")` with install advice when the CLI cannot be found. */
  resolve(): string;
}

/** A backend that runs each turn as one process: the pool starts it and reads its stdout. */
export interface ProcessBackend extends BackendBase {
  command(request: TurnRequest): TurnCommand;
  parser(): TurnParser;
  startTurn?: undefined;
}

/**
 * A backend that runs turns its own way, e.g. one long-lived process serving many agents as threads.
 * It starts whatever processes it needs through `context.supervisor` (so they are tagged, swept and
 * killed like every other), reports events through `context.onEvent`, and honours the deadlines and
 * `stop`. The pool treats the returned turn exactly like a process turn.
 */
export interface ServiceBackend extends BackendBase {
  startTurn(request: TurnRequest, context: TurnContext): RunningTurn;
}

export type Backend = ProcessBackend | ServiceBackend;

/** What the pool gives a turn besides its request. */
export interface TurnContext {
  supervisor: Supervisor;
  /** Unique to this turn: put it on every process started for it (a late kill then never hits the next one). */
  tag: string;
  /** Whole-turn deadline; 0 or undefined = none. End reason `timed_out`. */
  turnTimeoutMs?: number;
  /** No output for this long ends the turn as `stalled`; 0 or undefined = off. */
  stallTimeoutMs?: number;
  /** Grace between SIGTERM and SIGKILL when a turn is stopped. */
  killGraceMs: number;
  onEvent(event: WorkerEvent): void;
  onStderr(text: string): void;
}

/** Why a turn was stopped from outside. */
export type StopReason = Exclude<EndReason, "completed" | "failed">;

/** How one turn ended, whatever ran it. */
export interface TurnOutcome {
  endReason: EndReason;
  finalMessage?: string;
  error?: string;
  threadId?: string;
  usage?: Usage;
  usageIsCumulative: boolean;
  rateLimited?: boolean;
  retryAfterMs?: number;
  exitCode: number | null;
  signal: string | null;
  pid?: number;
}

export interface RunningTurn {
  readonly pid: number | undefined;
  /** Never rejects. */
  readonly done: Promise<TurnOutcome>;
  /** Stops the turn; its outcome then has this end reason. Resolves when everything it ran is gone. */
  stop(reason: StopReason, graceMs?: number): Promise<void>;
}
