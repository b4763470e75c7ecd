import type { z } from "zod";
import {
  closeAgent,
  interruptAgent,
  listAgents,
  listRoles,
  roleSummary,
  sendInput,
  spawnAgent,
  type ToolContext,
} from "./handlers.ts";
import { MAP_TASKS_TOOL } from "./map-tool.ts";
import {
  closeAgentOutput,
  interruptAgentOutput,
  listAgentsOutput,
  listRolesOutput,
  sendInputOutput,
  spawnAgentOutput,
  waitOutput,
} from "./outputs.ts";
import {
  closeAgentInput,
  interruptAgentInput,
  listAgentsInput,
  listRolesInput,
  sendInputInput,
  spawnAgentInput,
  waitAgentInput,
  waitInput,
} from "./schemas.ts";
import type { ToolSpec } from "./tool-spec.ts";
import { waitForAgents } from "./wait.ts";

const MODEL_ID_PAIR = [["id", "target"]] as const;

const waitDescription = (ctx: ToolContext) =>
  `Wait until the agents finish (mode all, default) or the first one does (mode any); returns early ` +
  `when they do. Blocks at most ${Math.round(ctx.limits.waitMaxMs / 1000)} s per call (--wait-max; ` +
  `timeout_ms default 30000 is clamped to it, timeout_clamped says so): when timed_out is true the agents ` +
  `are still running — call wait again. timed_out and end_reasons come first; status[id] is ` +
  `{"completed": "<final message>"}, {"errored": "<why>"}, {"running": null}, …; a final message over ` +
  `${ctx.limits.maxInlineBytes} bytes is cut, truncated[id].uri names the whole text (resources/read). ` +
  `Clients with MCP tasks can call it as a task and fetch the result when it is ready.`;

export const TOOLS: readonly ToolSpec[] = [
  {
    name: "spawn_agent",
    description: (ctx) =>
      "Start a sub-agent (a separate coding agent process) on a task and return its id at once. " +
      "Lifecycle: spawn_agent → wait → [send_input → wait] → close_agent. The agent sees only `message`, " +
      `so say everything it needs. Sandbox is read-only unless you ask for more (at most ${ctx.maxSandbox}). ` +
      `agent_type: one of ${roleSummary(ctx)} (list_roles describes them).`,
    input: spawnAgentInput,
    oneOf: [["message", "items"]],
    output: spawnAgentOutput,
    annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: true },
    tasks: true,
    run: (ctx, input) => spawnAgent(ctx, input),
  },
  {
    name: "wait",
    description: waitDescription,
    input: waitInput,
    oneOf: [["ids", "targets"]],
    output: waitOutput,
    annotations: { readOnlyHint: true },
    tasks: true,
    run: (ctx, input: z.infer<typeof waitInput>, hooks) =>
      waitForAgents(
        ctx.book,
        {
          ids: (input.ids ?? input.targets)!,
          requestedMs: input.timeout_ms,
          mode: input.mode ?? "all",
          codex: false,
        },
        ctx.limits,
        hooks,
      ),
  },
  {
    name: "wait_agent",
    description: (ctx) =>
      `Codex's wait_agent: returns as soon as the first of targets finishes (status lists only finished ` +
      `agents; empty and timed_out true when none did). timeout_ms default 30000, clamped to 10 s … 1 h and ` +
      `to ${Math.round(ctx.limits.waitMaxMs / 1000)} s (--wait-max). Use wait for all of them.`,
    input: waitAgentInput,
    oneOf: [["targets", "ids"]],
    output: waitOutput,
    annotations: { readOnlyHint: true },
    tasks: true,
    run: (ctx, input: z.infer<typeof waitAgentInput>, hooks) =>
      waitForAgents(
        ctx.book,
        { ids: (input.targets ?? input.ids)!, requestedMs: input.timeout_ms, mode: "any", codex: true },
        ctx.limits,
        hooks,
      ),
  },
  {
    name: "send_input",
    description: () =>
      "Give an agent its next message on the same conversation; each message is its own turn, named by " +
      "submission_id. A finished agent starts it now; a running one gets it queued, or with interrupt=true " +
      "its current turn is stopped and this one runs next. Then call wait.",
    input: sendInputInput,
    oneOf: [...MODEL_ID_PAIR, ["message", "items"]],
    output: sendInputOutput,
    annotations: { readOnlyHint: false, destructiveHint: false },
    run: (ctx, input) => sendInput(ctx, input),
  },
  {
    name: "interrupt_agent",
    description: () =>
      "Stop an agent's running turn without giving it a new message (it keeps what it produced; queued " +
      "messages still run). Returns the status it had.",
    input: interruptAgentInput,
    oneOf: MODEL_ID_PAIR,
    output: interruptAgentOutput,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
    run: (ctx, input) => interruptAgent(ctx, input),
  },
  {
    name: "close_agent",
    description: () =>
      "Close an agent for good: its processes are killed and its slot is freed. Irreversible — read the " +
      "result with wait first. Returns the status it had.",
    input: closeAgentInput,
    oneOf: MODEL_ID_PAIR,
    output: closeAgentOutput,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
    run: (ctx, input, hooks) => closeAgent(ctx, input, hooks.signal),
  },
  {
    name: "list_agents",
    description: () =>
      "List this server's agents (open and closed) in spawn order, 100 per page (cursor: next_cursor): " +
      "status, end reason (null while running), label, token usage, turns, resource uri.",
    input: listAgentsInput,
    output: listAgentsOutput,
    annotations: { readOnlyHint: true },
    run: (ctx, input) => listAgents(ctx, input),
  },
  {
    name: "list_roles",
    description: () =>
      "List the roles spawn_agent's agent_type accepts: Codex's built-ins, Codex custom agents " +
      "(.codex/agents/*.toml, $CODEX_HOME/agents/*.toml) and, with the claude backend, .claude/agents/*.md.",
    input: listRolesInput,
    output: listRolesOutput,
    annotations: { readOnlyHint: true },
    run: (ctx) => listRoles(ctx),
  },
  MAP_TASKS_TOOL,
];

export type { ToolSpec };
export const TOOL_NAMES = TOOLS.map((tool) => tool.name);
