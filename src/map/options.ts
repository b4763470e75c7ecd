import type { Backend, SandboxMode } from "../backends/types.ts";
import type { PoolOptions } from "../core/pool.ts";
import { BatonError } from "../errors.ts";
import type { LaunchOptions } from "../run/options.ts";

export interface MapOptions {
  /** The task list: a `.csv` (header row) or `.jsonl` file, or the items themselves (objects of fields). */
  tasks: string | readonly Record<string, unknown>[];
  /** The prompt of every item's agent; `{field}` is filled from the item, `{{`/`}}` are literal braces. */
  prompt: string;
  /** The field that names an item in results and errors; default: its line number. */
  idField?: string;
  /** JSON Schema every answer must match (given to the backend too); an invalid answer gets one repair turn. */
  outputSchema?: Record<string, unknown>;
  /** Where the result lines go (`.jsonl` or `.csv`); default `results.jsonl` in the run record. */
  out?: string;
  /** Items whose agents run at once. Default 4. */
  concurrency?: number;
  /** Deadline of each turn. Default 10 minutes. */
  timeoutMs?: number;
  /** No output for this long kills a turn. Default 5 minutes. */
  stallTimeoutMs?: number;
  /** Token budget of the whole map: once used up, nothing new starts and what finished is kept. */
  maxTokens?: number;
  /** Fresh agents for an item whose turn failed, timed out or stalled. Default 1. */
  retries?: number;
  /** Default `read-only`. */
  sandbox?: SandboxMode;
  backends: Backend | Record<string, Backend>;
  /** How the CLI built `backends` (backend, command, pty, rehearsal), recorded so a resume builds it again. */
  launch?: LaunchOptions;
  /** The fleet's Redis (`--queue`, without its password): recorded so a resume dispatches there again. */
  queue?: string;
  /** Runs turns somewhere else than here, e.g. on a worker fleet (src/fleet); default: local processes. */
  turns?: PoolOptions["turns"];
  /** Owns every worker process of the map. Default: the map's pool makes its own. */
  supervisor?: PoolOptions["supervisor"];
  cwd?: string;
  /** baton's state directory; default `$BATON_HOME` or `./.baton`. */
  home?: string;
  signal?: AbortSignal;
  /** Continue this map in its own record: items with a result line are not run again. */
  resumeRunId?: string;
}

/** The options a resumed map needs again, as `run.started` records them. */
export type RecordedMapOptions = Omit<
  MapOptions,
  "backends" | "signal" | "home" | "resumeRunId" | "turns" | "tasks"
> & {
  tasks: string;
};

export function checkMapOptions(o: MapOptions): void {
  const fail = (message: string): never => {
    throw new BatonError("E_USAGE", message);
  };
  const whole = (name: string, v: number | undefined, min: number, max: number) => {
    if (v !== undefined && !(Number.isInteger(v) && v >= min && v <= max))
      fail(`${name} must be a whole number from ${min} to ${max}, got ${v}`);
  };
  whole("`concurrency`", o.concurrency, 1, 256);
  whole("`retries`", o.retries, 0, 10);
  whole("`maxTokens`", o.maxTokens, 1, Number.MAX_SAFE_INTEGER);
  whole("`timeoutMs`", o.timeoutMs, 1, Number.MAX_SAFE_INTEGER);
  if (typeof o.prompt !== "string" || o.prompt.trim() === "")
    fail('`prompt` is empty; say what each agent does, e.g. `prompt` "Migrate {path} to ESM"');
}
