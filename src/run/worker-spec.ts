import type { EndReason } from "../core/status.ts";
import type { WorkerResult } from "./worker-result.ts";

export interface WorkerSpec {
  role: string;
  label: string;
  prompt: string;
  /**
   * A writer gets `workspace-write`. Serial mode: the writer lock, at most one writer touches the tree
   * at a time. Worktree mode: its own git worktree, merged afterwards (see src/run/writers.ts).
   */
  write?: boolean;
  /** The paths a writer will touch (paths, directories, simple globs): writers whose scopes overlap are serialised. */
  scope?: string[];
  /** Working directory of the worker; default: the run's. */
  cwd?: string;
  /** The backend's web search tool (research workers, unless the run has `web: false`). */
  webSearch?: boolean;
  /** Output schema; default: the Pattern 6 worker result. */
  schema?: Record<string, unknown>;
}

export interface WorkerOutcome {
  agentId: string;
  label: string;
  role: string;
  ok: boolean;
  endReason: EndReason;
  error?: string;
  finalMessage: string;
  /** The Pattern 6 result, when the worker used the default schema and completed. */
  result?: WorkerResult;
  format?: "json" | "markdown";
}

/** How the writers reach the run's workers (implemented by RunContext). */
export interface WriterRunner {
  /** The id the next spawned agent will have. */
  nextAgentId(): string;
  /** The answer of a resumed run's finished worker, when this spec is one. */
  fromRecord(spec: WorkerSpec): WorkerOutcome | undefined;
  /** Spawns the specs as one batch (each with its id and cwd) and waits for all of them. */
  spawn(specs: Array<WorkerSpec & { id: string; cwd: string }>): Promise<WorkerOutcome[]>;
  /** The outcome of a writer that could not start (its worktree could not be prepared). */
  failed(spec: WorkerSpec, agentId: string, error: string): WorkerOutcome;
}
