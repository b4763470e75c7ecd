import type { Supervisor } from "../core/process/supervisor.ts";
import type { Usage } from "../core/usage.ts";

import type { SandboxMode } from "./sandbox.ts";

export type { SandboxMode } from "./sandbox.ts";

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
  /** Reasoning effort of the model (`low`, `medium`, `high`, …); backends without one ignore it. */
  reasoningEffort?: string;
  /**
   * The backend's web search tool (codex: `web_search = "live"`; claude: WebSearch and WebFetch allowed).
   * Off unless asked for: only research workers get it (codex's own default would offer it to everyone).
   */
  webSearch?: boolean;
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

/** A backend that runs each turn as its own process: `command` gives the argv, `parser` reads its stdout. */
export interface ProcessBackend {
  readonly name: string;
  readonly kind?: "process";
  /** Throws `BatonError("E_BACKEND_MISSING")` with install advice when the CLI cannot be found. */
  resolve(): string;
  command(request: TurnRequest): TurnCommand;
  parser(): TurnParser;
}

/**
 * A backend that owns long-lived processes and runs every turn as a request on one of them (e.g. one
 * `codex app-server` serving many threads). The pool opens one session per backend when its first turn
 * starts and closes it on shutdown; the turn supervisor in src/core keeps the deadline, stall watchdog
 * and outcome the same as for process backends.
 */
export interface SessionBackend {
  readonly name: string;
  readonly kind: "session";
  /** Throws a `BatonError` (missing CLI, unsupported version) with what to do instead. */
  resolve(): string;
  openSession(context: SessionContext): BackendSession;
}

export type Backend = ProcessBackend | SessionBackend;

export interface SessionContext {
  /** Prefix of the pool's process tags (`<owner>:<pool>`); every process the session starts carries one. */
  tagPrefix: string;
  /** Start the session's processes through it: tagged, swept on exit, killed with the pool. */
  supervisor: Supervisor;
}

export interface BackendSession {
  /** Starts one turn; its events go to `hooks.onEvent`, the last being `turn.completed` or `turn.failed`. */
  startTurn(request: TurnRequest, hooks: SessionTurnHooks): SessionTurn;
  /** The agent was closed: forget its thread and kill whatever it left running. */
  release(agentId: string): Promise<void>;
  /** Stops every long-lived process of the session and waits until they are gone. */
  close(): Promise<void>;
}

export interface SessionTurnHooks {
  /** The pool's tag for this turn (`<owner>:<pool>:<agent>:<turn>`): commands the turn starts carry it. */
  tag: string;
  onEvent(event: WorkerEvent): void;
  onStderr?(text: string): void;
  /** A sign of life that is no event (e.g. a streamed delta): keeps the stall watchdog quiet. */
  onActivity?(): void;
}

export interface SessionTurn {
  /** The long-lived process serving the turn, if it has started. */
  readonly pid: number | undefined;
  /** Resolves when the turn is over (its terminal event was emitted) and every command it started is gone. */
  readonly ended: Promise<void>;
  /** Interrupts the turn and kills its commands; resolves once they are gone. */
  stop(graceMs: number): Promise<void>;
}

export function isSessionBackend(backend: Backend): backend is SessionBackend {
  return backend.kind === "session";
}
