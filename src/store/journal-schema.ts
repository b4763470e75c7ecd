import { z } from "zod";
import { JOURNALED_POOL_EVENTS } from "../core/pool-events.ts";
import { RecordedErrorSchema } from "../errors.ts";
import {
  MergeConflictEventSchema,
  MergeEndedEventSchema,
  MergePreparedEventSchema,
  MergeScheduledEventSchema,
  MergeVerifyEventSchema,
} from "../git/merge-events.ts";
import { StoredPlanSchema } from "../run/plan.ts";
import { RunStatusSchema } from "../run/view.ts";

/**
 * Version of the journal line format. Readers keep accepting every older version (see test fixtures).
 * 2: `run.ended.error` is `{code, message}` (v1 held the message alone).
 */
export const JOURNAL_VERSION = 2;

/** What every journal line carries around its event: format version, position and time. */
export const JournalEnvelopeSchema = z.object({
  v: z.number().int().positive(),
  seq: z.number().int().nonnegative(),
  at: z.string(),
});

// The run's own events (the pool's and the merge queue's are defined where they are emitted).

const RunStarted = z.object({
  type: z.literal("run.started"),
  runId: z.string(),
  task: z.string(),
  pattern: z.string(),
  cwd: z.string(),
  /** The run's data options, as the runner that wrote them records them (run/options.ts, map/options.ts). */
  options: z.record(z.string(), z.unknown()),
});
const PlanUpdated = z.object({ type: z.literal("plan.updated"), plan: StoredPlanSchema });
const PatternChosen = z.object({
  type: z.literal("pattern.chosen"),
  pattern: z.string(),
  rationale: z.string().optional(),
});
const Clarification = z.object({
  type: z.literal("clarification"),
  agentId: z.string(),
  questions: z.array(z.string()),
  answers: z.array(z.string()),
  source: z.enum(["terminal", "answers-file", "recommended"]),
});
const RunResumed = z.object({
  type: z.literal("run.resumed"),
  lastAgentNumber: z.number(),
  ownerPid: z.number(),
});
const AgentReplayed = z.object({
  type: z.literal("agent.replayed"),
  agentId: z.string(),
  label: z.string(),
  role: z.string(),
});
const RunEnded = z.object({
  type: z.literal("run.ended"),
  status: RunStatusSchema,
  exitCode: z.number(),
  /** `{code, message}`; records made before codes were kept hold the message alone. */
  error: RecordedErrorSchema.optional(),
  /** The run stopped because its record could not be written; `baton resume` may continue it. */
  resumable: z.boolean().optional(),
});

const [spawned, turnStarted, turnEnded, turnRetry, budget, input, closed] = JOURNALED_POOL_EVENTS;
const line = <S extends z.ZodRawShape>(event: z.ZodObject<S>) => JournalEnvelopeSchema.extend(event.shape);

/**
 * One journal line: the envelope around one event — the pool's lifecycle events, the run's own and
 * the parallel writers'. The writer (`Journal.append`) and every reader go through this schema.
 */
export const JournalEntrySchema = z.discriminatedUnion("type", [
  line(RunStarted),
  line(PlanUpdated),
  line(PatternChosen),
  line(spawned),
  line(turnStarted),
  line(turnEnded),
  line(turnRetry),
  line(budget),
  line(input),
  line(closed),
  line(Clarification),
  line(RunResumed),
  line(AgentReplayed),
  line(MergeScheduledEventSchema),
  line(MergePreparedEventSchema),
  line(MergeConflictEventSchema),
  line(MergeVerifyEventSchema),
  line(MergeEndedEventSchema),
  line(RunEnded),
]);
export type JournalEntry = z.infer<typeof JournalEntrySchema>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A line as a writer gives it: the event; `append` adds the envelope. Extra fields are dropped. */
export type JournalInput = DistributiveOmit<JournalEntry, "v" | "seq" | "at">;
