import { z } from "zod";
import { SandboxModeSchema } from "../backends/sandbox.ts";
import { AgentClosedEventSchema } from "../core/pool-events.ts";
import { AgentStatusSchema, EndReasonSchema } from "../core/status.ts";
import { UsageSchema } from "../core/usage.ts";
import { BatonErrorJsonSchema } from "../errors.ts";
import { snakeSchema } from "./snake.ts";

/**
 * Result shapes of the `baton mcp` tools (each tool's outputSchema). The small, decisive fields come
 * first: clients that show only a preview of a long result (Claude Code: 2 KB) still show them.
 */

/** Usage (the core's `UsageSchema`) in snake_case, like the rest of the tool results. */
export const usageOutput = snakeSchema(UsageSchema);

/** `structuredContent` of every error result (`isError: true`): the BatonError code and message. */
export const errorOutput = z.object({ error: BatonErrorJsonSchema });
export type ErrorOutput = z.infer<typeof errorOutput>;

export const spawnAgentOutput = z.object({
  agent_id: z.string(),
  nickname: z.string(),
  submission_id: z.string(),
});

/** `{"completed": "<final message>"}`, `{"running": null}`, … (Codex's shape). */
const statusEntry = z.record(z.string(), z.string().nullable());

/** Where the whole final message of an agent is, when the inline text was cut. */
const truncatedEntry = z.object({ bytes: z.number(), inline_bytes: z.number(), uri: z.string() });

export const waitOutput = z.object({
  timed_out: z.boolean(),
  end_reasons: z.record(z.string(), EndReasonSchema),
  waited_ms: z.number(),
  /** The bound this call used, after clamping. */
  timeout_ms: z.number(),
  timeout_clamped: z.boolean(),
  status: z.record(z.string(), statusEntry),
  truncated: z.record(z.string(), truncatedEntry),
});
export type WaitOutput = z.infer<typeof waitOutput>;

export const sendInputOutput = z.object({ submission_id: z.string() });
/** The status before: the pool's `agent.closed` event, in snake_case. */
export const closeAgentOutput = snakeSchema(AgentClosedEventSchema.pick({ previousStatus: true }));
export const interruptAgentOutput = closeAgentOutput;

export const agentEntry = z.object({
  agent_id: z.string(),
  label: z.string(),
  status: AgentStatusSchema,
  /** Null while a turn runs or waits for a slot. */
  end_reason: EndReasonSchema.nullable(),
  error: z.string().nullable(),
  usage: usageOutput,
  turns: z.number(),
  /** The submission of the last turn started (or queued). */
  submission_id: z.string().nullable(),
  queued_inputs: z.number(),
  thread_id: z.string().nullable(),
  created_at: z.string(),
  last_activity_at: z.string(),
  uri: z.string(),
});
export type AgentEntry = z.infer<typeof agentEntry>;
export const listAgentsOutput = z.object({
  total: z.number(),
  next_cursor: z.string().nullable(),
  agents: z.array(agentEntry),
});

export const roleEntry = z.object({
  name: z.string(),
  source: z.enum(["builtin", "codex-project", "codex-user", "claude-project", "claude-user"]),
  description: z.string(),
  sandbox: SandboxModeSchema.nullable(),
  model: z.string().nullable(),
  file: z.string().nullable(),
});
export type RoleEntry = z.infer<typeof roleEntry>;
export const listRolesOutput = z.object({ roles: z.array(roleEntry), problems: z.array(z.string()) });
