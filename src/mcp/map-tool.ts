import { resolve } from "node:path";
import { z } from "zod";
import { BatonError, BatonErrorJsonSchema } from "../errors.ts";
import { type MapView, mapTasks } from "../map/map.ts";
import type { MapProgress } from "../map/progress.ts";
import { MapProgressSchema, RunStatusSchema } from "../run/view.ts";
import type { ToolContext } from "./handlers.ts";
import { WAIT_MAX_MS } from "./schemas.ts";
import type { ToolSpec } from "./tool-spec.ts";

export const mapTasksInput = z
  .strictObject({
    tasks: z
      .array(z.record(z.string(), z.unknown()))
      .min(1)
      .optional()
      .describe('The items, each an object of fields, e.g. [{"path":"src/a.ts"}].'),
    tasks_file: z
      .string()
      .optional()
      .describe("Or a .csv / .jsonl task list (relative to the server's cwd)."),
    prompt: z.string().min(1).optional().describe("Each agent's prompt; {field} is filled from its item."),
    id_field: z.string().optional().describe("The field naming an item in results (default: its position)."),
    output_schema: z
      .record(z.string(), z.unknown())
      .optional()
      .describe("JSON Schema every answer must match; an invalid answer gets one repair turn."),
    out: z
      .string()
      .optional()
      .describe("Results file (.jsonl or .csv); default results.jsonl in the record."),
    concurrency: z.number().int().min(1).max(64).optional().describe("Agents at once (default 4)."),
    timeout_ms: z.number().int().positive().optional().describe("Deadline of each turn."),
    max_tokens: z.number().int().positive().optional().describe("Token budget of the whole map."),
    retries: z
      .number()
      .int()
      .min(0)
      .max(10)
      .optional()
      .describe("Fresh agents for a failed item (default 1)."),
    run_id: z.string().optional().describe("Keep waiting for a map this server started (returned earlier)."),
    wait_ms: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe(`How long this call waits for the map to end (at most ${WAIT_MAX_MS / 1000} s).`),
  })
  .refine(
    (v) => v.run_id !== undefined || ((v.tasks !== undefined) !== (v.tasks_file !== undefined) && v.prompt),
    {
      message: "give `tasks` (or `tasks_file`) and `prompt` to start a map, or `run_id` to wait for one",
    },
  );

/** Where the map stands (its run view's `map`) with its run's status and error, in snake_case. */
const mapTasksOutput = z.object({
  run_id: z.string(),
  status: RunStatusSchema,
  timed_out: z.boolean(),
  ...MapProgressSchema.pick({ total: true, done: true, failed: true, running: true }).shape,
  out: z.string().optional(),
  /** Why the map failed or stopped early (a used-up budget is `E_BUDGET`), as the run view holds it. */
  error: BatonErrorJsonSchema.optional(),
});

const DESCRIPTION =
  "Run one sub-agent per item of a task list (the same prompt with {field} filled from each item) and " +
  "collect one result line per item in a file, keyed by the item's id. Returns when the map ends or after " +
  "wait_ms; while timed_out is true call map_tasks again with the run_id. Use it for many similar, " +
  "independent tasks (one per file, issue, package) instead of spawning agents one by one.";

interface Running {
  runId: string;
  done: Promise<MapView>;
  progress: MapProgress;
  out?: string;
}

const maps = new WeakMap<ToolContext, Map<string, Running>>();

/** The `map_tasks` tool: `mapTasks()` over the server's backend, one record per map under `.baton/runs/`. */
export const MAP_TASKS_TOOL: ToolSpec = {
  name: "map_tasks",
  description: () => DESCRIPTION,
  input: mapTasksInput,
  output: mapTasksOutput,
  annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: true },
  tasks: true,
  run: async (ctx, input: z.infer<typeof mapTasksInput>, hooks) => {
    const own = maps.get(ctx) ?? new Map<string, Running>();
    maps.set(ctx, own);
    const running = input.run_id ? own.get(input.run_id) : undefined;
    if (input.run_id && !running)
      throw new BatonError("E_NOT_FOUND", `map_tasks: no map "${input.run_id}" was started by this server`);
    const map = running ?? (await start(ctx, input, own));
    const waitMs = Math.min(input.wait_ms ?? WAIT_MAX_MS, ctx.limits.waitMaxMs);
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const view = await Promise.race([
      map.done,
      new Promise<undefined>((r) => {
        timer = setTimeout(() => r(undefined), waitMs);
        onAbort = () => r(undefined);
        hooks.signal?.addEventListener("abort", onAbort, { once: true });
      }),
    ]).finally(() => {
      clearTimeout(timer);
      if (onAbort) hooks.signal?.removeEventListener("abort", onAbort);
    });
    const p = view?.map ?? map.progress;
    return {
      run_id: map.runId,
      status: view?.status ?? "running",
      timed_out: view === undefined,
      total: p.total,
      done: p.done,
      failed: p.failed,
      running: view ? 0 : p.running,
      out: view?.map.out ?? map.out,
      error: view?.error,
    };
  },
};

async function start(
  ctx: ToolContext,
  input: z.infer<typeof mapTasksInput>,
  maps: Map<string, Running>,
): Promise<Running> {
  let started!: (runId: string) => void;
  let failedEarly!: (error: unknown) => void;
  const runId = new Promise<string>((res, rej) => {
    started = res;
    failedEarly = rej;
  });
  const entry: Partial<Running> = {};
  entry.done = mapTasks(
    {
      tasks: input.tasks ?? resolve(ctx.cwd, input.tasks_file!),
      prompt: input.prompt!,
      idField: input.id_field,
      outputSchema: input.output_schema,
      out: input.out && resolve(ctx.cwd, input.out),
      concurrency: input.concurrency,
      timeoutMs: input.timeout_ms,
      maxTokens: input.max_tokens,
      retries: input.retries,
      backends: ctx.backend,
      cwd: ctx.cwd,
      home: ctx.home,
    },
    {
      onStart: (view) => {
        entry.runId = view.runId;
        entry.progress = view.map;
        entry.out = view.map.out;
        started(view.runId);
      },
      onProgress: (p) => {
        entry.progress = p;
      },
    },
  );
  entry.done.catch(failedEarly);
  const id = await runId;
  maps.set(id, entry as Running);
  return entry as Running;
}
