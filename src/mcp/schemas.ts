import { z } from "zod";
import { SandboxModeSchema } from "../backends/sandbox.ts";

/**
 * Input and output shapes of the `baton mcp` tools. Each tool input accepts both the spelling of the
 * common skill pattern (`ids`, `id`) and Codex's own (`targets`, `target`), so prompts written for
 * either work unchanged.
 */

/** Default bound of one wait call: under the ~60 s most MCP clients give a tool call. `--wait-max` raises it. */
export const WAIT_MAX_MS = 45_000;
export const WAIT_DEFAULT_MS = 30_000;
/** Codex's wait_agent range. */
export const WAIT_AGENT_MIN_MS = 10_000;
export const WAIT_AGENT_MAX_MS = 3_600_000;

const agentId = z.string().min(1);
const idList = z.array(agentId).min(1);

/** Codex's `items` (UserInput): only text items carry something a worker prompt can hold. */
const inputItem = z.looseObject({
  type: z.string().describe('"text" (other item types are not supported)'),
  text: z.string().optional(),
});

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Exactly one of two spellings must be present; both are fine when they agree. */
function oneOf(seed: string, codex: string, example: string) {
  return (value: Record<string, unknown>, ctx: z.RefinementCtx): void => {
    const a = value[seed];
    const b = value[codex];
    if (a === undefined && b === undefined) {
      ctx.addIssue({
        code: "custom",
        message: `\`${seed}\` (or Codex's \`${codex}\`) is required, e.g. ${example}`,
      });
    } else if (a !== undefined && b !== undefined && !sameValue(a, b)) {
      ctx.addIssue({
        code: "custom",
        message: `\`${seed}\` and \`${codex}\` are the same argument but were given different values; pass only one`,
      });
    }
  };
}

/** `message` or text `items`, not both (as in Codex). */
function messageOrItems(op: string) {
  return (value: { message?: string; items?: z.infer<typeof inputItem>[] }, ctx: z.RefinementCtx): void => {
    if (value.message !== undefined && value.items !== undefined) {
      ctx.addIssue({ code: "custom", message: `${op}: give either \`message\` or \`items\`, not both` });
    } else if (value.message === undefined && value.items === undefined) {
      ctx.addIssue({ code: "custom", message: `${op}: \`message\` is required (the text for the agent)` });
    }
    for (const [index, item] of (value.items ?? []).entries()) {
      if (item.type !== "text" || typeof item.text !== "string") {
        ctx.addIssue({
          code: "custom",
          path: ["items", index],
          message: `${op}: only {"type":"text","text":"…"} items are supported, got type "${item.type}"`,
        });
      }
    }
  };
}

export const spawnAgentInput = z
  .strictObject({
    message: z
      .string()
      .min(1)
      .optional()
      .describe("The agent's task: everything it needs, it sees nothing else."),
    items: z.array(inputItem).min(1).optional().describe("Codex's form of `message`: text items, joined."),
    agent_type: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, "agent_type must be a role name (letters, digits, _ . -)")
      .optional()
      .describe("A role from list_roles (Codex custom agents, built-ins, .claude/agents); default: none."),
    label: z
      .string()
      .min(1)
      .max(80)
      .optional()
      .describe("Shown in list_agents; default: agent_type or the id."),
    cwd: z
      .string()
      .min(1)
      .optional()
      .describe("Working directory (relative to the server's); default: the server's."),
    sandbox: SandboxModeSchema.optional().describe(
      "Default read-only (or the agent type's sandbox_mode); capped by the server's --max-sandbox.",
    ),
    model: z.string().min(1).max(200).optional(),
    web_search: z
      .boolean()
      .optional()
      .describe("Give the agent the backend's web search tool (research workers); default off."),
    reasoning_effort: z
      .string()
      .regex(/^[a-z]{1,20}$/, "reasoning_effort must be a level name such as low, medium or high")
      .optional()
      .describe(
        "Reasoning effort of the worker's model: minimal, low, medium, high, xhigh (codex), max (claude).",
      ),
    timeout_ms: z
      .number()
      .int()
      .min(1)
      .max(86_400_000)
      .optional()
      .describe("Deadline of each turn; default: the server's."),
    output_schema: z
      .record(z.string(), z.unknown())
      .optional()
      .describe("JSON Schema the final message must match (it is then a JSON string)."),
    fork_context: z.boolean().optional().describe("Only false: baton agents start with a fresh context."),
  })
  .superRefine(messageOrItems("spawn_agent"))
  .superRefine((value, ctx) => {
    if (value.fork_context === true) {
      ctx.addIssue({
        code: "custom",
        path: ["fork_context"],
        message: "baton agents cannot fork the caller's context; put what the agent needs into `message`",
      });
    }
  });
export type SpawnAgentInput = z.infer<typeof spawnAgentInput>;

const waitTimeout = z.number().optional();

export const waitInput = z
  .strictObject({
    ids: idList.optional().describe("Agent ids to wait for."),
    targets: idList.optional().describe("Same as `ids` (Codex's name)."),
    timeout_ms: waitTimeout.describe(
      `Default ${WAIT_DEFAULT_MS}; clamped to the server's --wait-max. Call again while timed_out is true.`,
    ),
    mode: z.enum(["all", "any"]).optional().describe("all (default): every agent final; any: the first one."),
  })
  .superRefine(oneOf("ids", "targets", '{"ids": ["agent-1"]}'));
export type WaitInput = z.infer<typeof waitInput>;

/** Codex's wait_agent: returns at the first target that finishes. */
export const waitAgentInput = z
  .strictObject({
    targets: idList.optional().describe("Agent ids; returns when the first of them finishes."),
    ids: idList.optional().describe("Same as `targets`."),
    timeout_ms: waitTimeout.describe(
      `Default ${WAIT_DEFAULT_MS}; clamped to ${WAIT_AGENT_MIN_MS}…${WAIT_AGENT_MAX_MS} and to the server's --wait-max.`,
    ),
  })
  .superRefine(oneOf("ids", "targets", '{"targets": ["agent-1"]}'));
export type WaitAgentInput = z.infer<typeof waitAgentInput>;

export const sendInputInput = z
  .strictObject({
    id: agentId.optional().describe("The agent to continue."),
    target: agentId.optional().describe("Same as `id` (Codex's name)."),
    message: z.string().min(1).optional(),
    items: z.array(inputItem).min(1).optional(),
    interrupt: z
      .boolean()
      .optional()
      .describe("Stop the running turn and start this one now (default: queue)."),
  })
  .superRefine(oneOf("id", "target", '{"id": "agent-1", "message": "…"}'))
  .superRefine(messageOrItems("send_input"));
export type SendInputInput = z.infer<typeof sendInputInput>;

/** The input of a tool that acts on one agent: `id` or Codex's `target`. */
function oneAgentInput(what: string) {
  return z
    .strictObject({
      id: agentId.optional().describe(what),
      target: agentId.optional().describe("Same as `id` (Codex's name)."),
    })
    .superRefine(oneOf("id", "target", '{"id": "agent-1"}'));
}

export const closeAgentInput = oneAgentInput("The agent to close (irreversible).");
export type CloseAgentInput = z.infer<typeof closeAgentInput>;

export const interruptAgentInput = oneAgentInput("The agent whose running turn to stop.");
export type InterruptAgentInput = z.infer<typeof interruptAgentInput>;

export const listAgentsInput = z.strictObject({
  cursor: z.string().optional().describe("next_cursor of the previous page."),
  limit: z.number().int().min(1).max(500).optional().describe("Agents per page; default 100."),
});
export type ListAgentsInput = z.infer<typeof listAgentsInput>;

export const listRolesInput = z.strictObject({});

/** The text of `message` or of Codex-style text `items` (already validated). */
export function messageText(value: { message?: string; items?: { text?: string }[] }): string {
  return value.message ?? (value.items ?? []).map((item) => item.text ?? "").join("\n");
}
