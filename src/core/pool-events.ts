import { z } from "zod";
import type { WorkerEvent } from "../backends/types.ts";
import { AgentStatusSchema, EndReasonSchema } from "./status.ts";
import { UsageSchema } from "./usage.ts";

// Every lifecycle and worker event of a pool, in order; emitted after the state change it reports.
// The lifecycle events are also the run journal's lines (src/store/journal-schema.ts wraps each in
// the line envelope); what goes to an agent's own files instead is named below with `omit`.

export const AgentSpawnedEventSchema = z.object({
  type: z.literal("agent.spawned"),
  agentId: z.string(),
  label: z.string(),
  role: z.string(),
  backend: z.string(),
  /** The message it was spawned with (its turn prompts go to `prompt-<turn>.md`; the journal holds neither). */
  message: z.string(),
  /** The agent's working directory (where `baton attach` resumes its conversation). */
  cwd: z.string(),
});

export const TurnStartedEventSchema = z.object({
  type: z.literal("turn.started"),
  agentId: z.string(),
  turn: z.number(),
  pid: z.number().optional(),
  /** Recorded as `prompt-<turn>.md`, not in the journal. */
  prompt: z.string(),
});

// A backend's events are a TypeScript union (backends/types.ts) its parser builds; the pool only
// passes them on, so this checks the discriminant alone.
const WorkerEventSchema = z.custom<WorkerEvent>(
  (value) =>
    typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string",
);

export const WorkerEventEventSchema = z.object({
  type: z.literal("worker.event"),
  agentId: z.string(),
  turn: z.number(),
  event: WorkerEventSchema,
});

export const WorkerStderrEventSchema = z.object({
  type: z.literal("worker.stderr"),
  agentId: z.string(),
  turn: z.number(),
  text: z.string(),
});

export const TurnEndedEventSchema = z.object({
  type: z.literal("turn.ended"),
  agentId: z.string(),
  turn: z.number(),
  /** The agent's status after the turn (pending_init when another turn follows). */
  status: AgentStatusSchema,
  endReason: EndReasonSchema,
  error: z.string().optional(),
  /** Recorded as `final.md`, not in the journal. */
  finalMessage: z.string().optional(),
  usage: UsageSchema,
  rateLimited: z.boolean().optional(),
  retryAfterMs: z.number().optional(),
});

export const TurnRetryEventSchema = z.object({
  type: z.literal("turn.retry"),
  agentId: z.string(),
  turn: z.number(),
  attempt: z.number(),
  delayMs: z.number(),
  error: z.string(),
  concurrency: z.number(),
});

export const BudgetExhaustedEventSchema = z.object({
  type: z.literal("budget.exhausted"),
  usedTokens: z.number(),
  maxTokens: z.number(),
});

export const AgentInputEventSchema = z.object({
  type: z.literal("agent.input"),
  agentId: z.string(),
  message: z.string(),
  interrupt: z.boolean(),
});

export const AgentClosedEventSchema = z.object({
  type: z.literal("agent.closed"),
  agentId: z.string(),
  previousStatus: AgentStatusSchema,
});

export const PoolEventSchema = z.discriminatedUnion("type", [
  AgentSpawnedEventSchema,
  TurnStartedEventSchema,
  WorkerEventEventSchema,
  WorkerStderrEventSchema,
  TurnEndedEventSchema,
  TurnRetryEventSchema,
  BudgetExhaustedEventSchema,
  AgentInputEventSchema,
  AgentClosedEventSchema,
]);
/** Every lifecycle and worker event of a pool, in order. Emitted after the state change it reports. */
export type PoolEvent = z.infer<typeof PoolEventSchema>;

/**
 * The pool events the journal keeps, as the journal keeps them: without what an agent's own files
 * hold (prompts, the final message) and the retry hints the pool acts on at once. Fields that older
 * records lack are optional here only.
 */
export const JOURNALED_POOL_EVENTS = [
  AgentSpawnedEventSchema.omit({ message: true }).extend({
    /** Absent in records made before baton attach: the run's cwd applies. */
    cwd: z.string().optional(),
  }),
  TurnStartedEventSchema.omit({ prompt: true }),
  TurnEndedEventSchema.omit({ finalMessage: true, rateLimited: true, retryAfterMs: true }),
  TurnRetryEventSchema,
  BudgetExhaustedEventSchema,
  AgentInputEventSchema,
  AgentClosedEventSchema,
] as const;

export type JournaledPoolEventType = (typeof JOURNALED_POOL_EVENTS)[number]["shape"]["type"]["value"];
const JOURNALED = new Set<string>(JOURNALED_POOL_EVENTS.map((s) => s.shape.type.value));

/** The events that are journal lines (the rest, worker output, goes to the agent's event and stderr files). */
export function isJournaled(event: PoolEvent): event is Extract<PoolEvent, { type: JournaledPoolEventType }> {
  return JOURNALED.has(event.type);
}
