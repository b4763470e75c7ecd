import { z } from "zod";
import { SandboxModeSchema } from "../backends/sandbox.ts";
import { EndReasonSchema } from "../core/status.ts";
import { UsageSchema } from "../core/usage.ts";

/** BullMQ key prefix: every key baton keeps in Redis starts with `baton:`. */
export const PREFIX = "baton";
/** The queue a backend's turns wait in; any worker running that backend takes them. */
export const turnsQueue = (backend: string) => `turns-${backend}`;
/** A worker's own queue: follow-up turns of conversations it holds (send_input, repair turns). */
export const workerQueue = (workerId: string) => `worker-${workerId}`;

export const keys = {
  /** Events of every turn a submitter dispatched, from the workers back to it (a Redis stream). */
  events: (submitter: string) => `${PREFIX}:fleet:events:${submitter}`,
  /** Present while the submitter lives (expires when it dies): workers drop its turns without it. */
  submitter: (submitter: string) => `${PREFIX}:fleet:submitter:${submitter}`,
  /** Present while a worker lives; its value says what it runs. */
  worker: (workerId: string) => `${PREFIX}:fleet:worker:${workerId}`,
  /** A turn asked to stop: whichever worker holds it, or picks it up later, stops it with this reason. */
  stop: (jobId: string) => `${PREFIX}:fleet:stop:${jobId}`,
  /** Pub/sub channel of one worker: stop requests for the turns it runs. */
  control: (workerId: string) => `${PREFIX}:fleet:control:${workerId}`,
};

/** Heartbeats: refreshed every `HEARTBEAT_MS`, gone `ALIVE_TTL_MS` after the process stops. */
export const HEARTBEAT_MS = 1_000;
export const ALIVE_TTL_MS = 5_000;

/** One agent turn as a BullMQ job (what Redis holds of it). */
export const TurnJobSchema = z.object({
  v: z.literal(1),
  submitter: z.string(),
  agentId: z.string(),
  turn: z.number().int(),
  backend: z.string(),
  request: z.object({
    agentId: z.string(),
    prompt: z.string(),
    threadId: z.string().optional(),
    cwd: z.string(),
    sandbox: SandboxModeSchema,
    outputSchema: z.record(z.string(), z.unknown()).optional(),
    instructions: z.string().optional(),
    model: z.string().optional(),
  }),
  /** The submitter's repository (for workers with a checkout of their own). */
  repo: z.object({ root: z.string(), commit: z.string() }).optional(),
  turnTimeoutMs: z.number().optional(),
  stallTimeoutMs: z.number().optional(),
  killGraceMs: z.number().optional(),
});
export type TurnJob = z.infer<typeof TurnJobSchema>;

export const OutcomeSchema = z.object({
  endReason: EndReasonSchema,
  finalMessage: z.string().optional(),
  error: z.string().optional(),
  threadId: z.string().optional(),
  usage: UsageSchema.optional(),
  usageIsCumulative: z.boolean(),
  rateLimited: z.boolean().optional(),
  retryAfterMs: z.number().optional(),
  exitCode: z.number().nullable(),
  signal: z.string().nullable(),
  pid: z.number().optional(),
});

const at = { job: z.string(), exec: z.string() };
/** What workers send back through the submitter's stream, in order per turn. */
export const FleetMessageSchema = z.discriminatedUnion("kind", [
  z.object({
    ...at,
    kind: z.literal("started"),
    worker: z.string(),
    host: z.string(),
    pid: z.number().optional(),
  }),
  // Worker events are checked by the pool's own consumers; here they are carried as they came.
  z.object({ ...at, kind: z.literal("event"), event: z.looseObject({ type: z.string() }) }),
  z.object({ ...at, kind: z.literal("stderr"), text: z.string() }),
  z.object({ ...at, kind: z.literal("ended"), worker: z.string(), outcome: OutcomeSchema }),
]);
export type FleetMessage = z.infer<typeof FleetMessageSchema>;

/** A stop request on a worker's control channel. */
export const StopMessageSchema = z.object({ job: z.string(), reason: z.string(), graceMs: z.number() });
