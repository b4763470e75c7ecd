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
  /** Reasoning effort of the model (`low`, `medium`, `high`, …); backends without one ignore it. */
  reasoningEffort?: string;
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

export interface Backend {
  readonly name: string;
  /** Throws `BatonError("E_BACKEND_MISSING")` with install advice when the CLI cannot be found. */
  resolve(): string;
  command(request: TurnRequest): TurnCommand;
  parser(): TurnParser;
}
