import { z } from "zod";
import { SandboxModeSchema } from "../backends/sandbox.ts";
import type { Backend } from "../backends/types.ts";
import type { PoolOptions } from "../core/pool.ts";
import { BatonError } from "../errors.ts";
import { AgentRunDataSchema } from "../run/options.ts";
import { describeIssues } from "../util/zod-issues.ts";

/** A map's options that are data; `RecordedMapOptionsSchema` is what its `run.started` records. */
export const MapDataOptionsSchema = AgentRunDataSchema.extend({
  /** The task list: a `.csv` (header row) or `.jsonl` file, or the items themselves (objects of fields). */
  tasks: z.union([z.string(), z.array(z.record(z.string(), z.unknown())).readonly()]),
  /** The prompt of every item's agent; `{field}` is filled from the item, `{{`/`}}` are literal braces. */
  prompt: z.string(),
  /** The field that names an item in results and errors; default: its line number. */
  idField: z.string().optional(),
  /** JSON Schema every answer must match (given to the backend too); an invalid answer gets one repair turn. */
  outputSchema: z.record(z.string(), z.unknown()).optional(),
  /** Where the result lines go (`.jsonl` or `.csv`); default `results.jsonl` in the run record. */
  out: z.string().optional(),
  /** Fresh agents for an item whose turn failed, timed out or stalled. Default 1. */
  retries: z.number().optional(),
  /** Default `read-only`. */
  sandbox: SandboxModeSchema.optional(),
});

export interface MapOptions extends z.infer<typeof MapDataOptionsSchema> {
  backends: Backend | Record<string, Backend>;
  /** Runs turns somewhere else than here, e.g. on a worker fleet (src/fleet); default: local processes. */
  turns?: PoolOptions["turns"];
  /** Owns every worker process of the map. Default: the map's pool makes its own. */
  supervisor?: PoolOptions["supervisor"];
  signal?: AbortSignal;
}

/** The options a resumed map needs again, as `run.started` records them (the task list as a file). */
export const RecordedMapOptionsSchema = MapDataOptionsSchema.omit({ home: true, resumeRunId: true }).extend({
  tasks: z.string(),
});
export type RecordedMapOptions = z.infer<typeof RecordedMapOptionsSchema>;

export function checkMapOptions(o: MapOptions): void {
  const fail = (message: string): never => {
    throw new BatonError("E_USAGE", message);
  };
  const parsed = MapDataOptionsSchema.safeParse(o);
  if (!parsed.success)
    fail(`invalid map options: ${describeIssues(parsed.error, { top: "options", backticks: true })}`);
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
