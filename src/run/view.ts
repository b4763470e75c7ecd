import { z } from "zod";
import { AgentStatusSchema, EndReasonSchema } from "../core/status.ts";
import { UsageSchema } from "../core/usage.ts";
import { BatonError, RecordedErrorSchema } from "../errors.ts";
import { describeIssues } from "../util/zod-issues.ts";
import { StoredPlanSchema } from "./plan.ts";
import { RunResultSchema } from "./result.ts";

export const RunStatusSchema = z.enum(["running", "completed", "partial", "failed", "cancelled"]);
export type RunStatus = z.infer<typeof RunStatusSchema>;

/** One worker as a run view shows it (live view, `run.json`, `--json`). */
export const AgentRowSchema = z.object({
  id: z.string(),
  role: z.string(),
  label: z.string(),
  status: AgentStatusSchema,
  endReason: EndReasonSchema.optional(),
  error: z.string().optional(),
  usage: UsageSchema,
  finalMessage: z.string().optional(),
  startedAt: z.number().optional(),
  endedAt: z.number().optional(),
  lastActivityAt: z.number(),
  /** What the worker did last (a command, a message, an edit), for live views. */
  lastActivity: z.string().optional(),
});
export type AgentRow = z.infer<typeof AgentRowSchema>;

/** Where a `baton map` stands (its run view's `map`); the progress bar draws it. */
export const MapProgressSchema = z.object({
  total: z.number(),
  /** Items finished (ok or failed), including those an earlier run of the same map finished. */
  done: z.number(),
  failed: z.number(),
  running: z.number(),
  /** Items a resumed map found already done. */
  skipped: z.number(),
  startedAt: z.number(),
});

/**
 * The whole state of a run: what `run.json` holds (written and read back through this schema), what
 * `--json` prints (`RunJsonSchema`, below) and what the live view draws.
 */
export const RunViewSchema = z.object({
  runId: z.string(),
  status: RunStatusSchema,
  pattern: z.string(),
  plan: StoredPlanSchema.optional(),
  agents: z.array(AgentRowSchema),
  result: RunResultSchema.optional(),
  /** Why the run failed, as a `BatonError`; records made before codes were kept hold the message alone. */
  error: RecordedErrorSchema.optional(),
  dir: z.string(),
  task: z.string(),
  startedAt: z.number(),
  endedAt: z.number().optional(),
  /** A `baton map` run: where the map stands and where its results go. */
  map: MapProgressSchema.extend({ out: z.string(), notDone: z.number() }).optional(),
});
export type RunView = z.infer<typeof RunViewSchema>;

/** What `baton run|resume|status <id> --json` print: the run view without its timestamps and live detail. */
export const RunJsonSchema = RunViewSchema.pick({
  runId: true,
  status: true,
  pattern: true,
  plan: true,
  agents: true,
  result: true,
  error: true,
  dir: true,
}).extend({
  agents: z.array(
    AgentRowSchema.pick({
      id: true,
      role: true,
      label: true,
      status: true,
      endReason: true,
      error: true,
      usage: true,
      finalMessage: true,
    }),
  ),
});
export type RunJson = z.infer<typeof RunJsonSchema>;

/** The snapshot written as `run.json`: the view through its schema (a field it does not name is not written). */
export function runSnapshot(view: RunView): RunView {
  const parsed = RunViewSchema.safeParse(view);
  if (parsed.success) return parsed.data;
  throw new BatonError(
    "E_INTERNAL",
    `the run view of ${view.runId} does not match its schema: ${describeIssues(parsed.error)}`,
    {
      runId: view.runId,
    },
  );
}

/** Reads a `run.json`'s content through the schema; when it is not a run view, says why (it is then rebuilt). */
export function parseRunSnapshot(value: unknown): { view: RunView } | { damaged: string } {
  const parsed = RunViewSchema.safeParse(value);
  return parsed.success ? { view: parsed.data } : { damaged: describeIssues(parsed.error) };
}
