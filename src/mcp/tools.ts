import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { isBatonError } from "../errors.ts";
import { closeAgent, listAgents, sendInput, spawnAgent, type ToolContext, waitAgents } from "./handlers.ts";
import { registerMapTool } from "./map-tool.ts";
import {
  closeAgentInput,
  closeAgentOutput,
  listAgentsInput,
  listAgentsOutput,
  sendInputInput,
  sendInputOutput,
  spawnAgentInput,
  spawnAgentOutput,
  WAIT_DEFAULT_MS,
  WAIT_MAX_MS,
  waitInput,
  waitOutput,
} from "./schemas.ts";

export const TOOL_NAMES = [
  "spawn_agent",
  "wait",
  "wait_agent",
  "send_input",
  "close_agent",
  "list_agents",
  "map_tasks",
] as const;

const DESCRIPTIONS = {
  spawn_agent:
    "Start a sub-agent (a separate coding agent process) on a task and return its id at once. " +
    "Lifecycle: spawn_agent → wait → [send_input → wait] → close_agent. The agent sees only `message`, " +
    "so say everything it needs. Sandbox is read-only unless you ask for more.",
  wait:
    `Wait until the agents finish (mode all) or one finishes (mode any); returns early when they do. ` +
    `Blocks at most ${WAIT_MAX_MS / 1000} s per call (timeout_ms default ${WAIT_DEFAULT_MS}, clamped to 0…${WAIT_MAX_MS}): ` +
    `when timed_out is true the agents are still running — call wait again. ` +
    `status[id] is {"completed": "<final message>"}, {"errored": "<why>"}, {"running": null}, …`,
  send_input:
    "Give an agent its next message on the same conversation. A finished agent starts a new turn; a running " +
    "one gets it queued for its next turn, or with interrupt=true its current turn is stopped. Then call wait.",
  close_agent:
    "Close an agent for good: its processes are killed and its slot is freed. Irreversible — read the " +
    "result with wait first. Returns the status it had.",
  list_agents:
    "List every agent of this server with status, end reason, label, token usage and number of turns.",
} as const;

function ok(result: object): CallToolResult {
  return {
    content: [{ type: "text", text: JSON.stringify(result) }],
    structuredContent: result as Record<string, unknown>,
  };
}

/** An error result the model can act on; the server keeps serving. */
function failed(error: unknown): CallToolResult {
  const text = isBatonError(error)
    ? `${error.message} (${error.code})`
    : `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
  return { content: [{ type: "text", text }], isError: true };
}

async function guarded(run: () => object | Promise<object>): Promise<CallToolResult> {
  try {
    return ok(await run());
  } catch (error) {
    return failed(error);
  }
}

/** Adds the lifecycle tools to `server`; `wait_agent` is `wait` under Codex's name. */
export function registerTools(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    "spawn_agent",
    {
      description: DESCRIPTIONS.spawn_agent,
      inputSchema: spawnAgentInput,
      outputSchema: spawnAgentOutput,
      annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: true },
    },
    (input) => guarded(() => spawnAgent(ctx, input)),
  );
  for (const name of ["wait", "wait_agent"] as const) {
    server.registerTool(
      name,
      {
        description:
          name === "wait" ? DESCRIPTIONS.wait : `Same as wait (Codex's name). ${DESCRIPTIONS.wait}`,
        inputSchema: waitInput,
        outputSchema: waitOutput,
        annotations: { readOnlyHint: true },
      },
      (input, extra) => guarded(() => waitAgents(ctx, input, extra.signal)),
    );
  }
  server.registerTool(
    "send_input",
    {
      description: DESCRIPTIONS.send_input,
      inputSchema: sendInputInput,
      outputSchema: sendInputOutput,
      annotations: { readOnlyHint: false, destructiveHint: false },
    },
    (input) => guarded(() => sendInput(ctx, input)),
  );
  server.registerTool(
    "close_agent",
    {
      description: DESCRIPTIONS.close_agent,
      inputSchema: closeAgentInput,
      outputSchema: closeAgentOutput,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
    },
    (input) => guarded(() => closeAgent(ctx, input)),
  );
  server.registerTool(
    "list_agents",
    {
      description: DESCRIPTIONS.list_agents,
      inputSchema: listAgentsInput,
      outputSchema: listAgentsOutput,
      annotations: { readOnlyHint: true },
    },
    () => guarded(() => listAgents(ctx)),
  );
  registerMapTool(server, ctx);
}
