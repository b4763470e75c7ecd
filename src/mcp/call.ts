import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
} from "@modelcontextprotocol/sdk/types.js";
import type { z } from "zod";
import { type BatonErrorCode, isBatonError } from "../errors.ts";
import type { ToolContext } from "./handlers.ts";
import { toolInputSchema, toolOutputSchema } from "./json-schema.ts";
import type { ErrorOutput } from "./outputs.ts";
import type { SessionTaskStore } from "./tasks.ts";
import type { ToolSpec } from "./tool-spec.ts";
import { TOOLS } from "./tools.ts";
import type { WaitHooks } from "./wait.ts";

/**
 * tools/list and tools/call over TOOLS. A call's arguments are checked against its schema (an error
 * result names each problem); a task-augmented call (`params.task`) of a blocking tool returns the task
 * at once and runs in the background; a call with a progress token gets progress while it waits.
 */
export function serveTools(server: Server, ctx: ToolContext, tasks: SessionTaskStore): void {
  const byName = new Map(TOOLS.map((tool) => [tool.name, tool]));
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: TOOLS.map((tool) => ({
      name: tool.name,
      description: tool.description(ctx),
      inputSchema: toolInputSchema(tool.input, tool.oneOf) as { type: "object" },
      outputSchema: toolOutputSchema(tool.output) as { type: "object" },
      annotations: tool.annotations,
      execution: { taskSupport: tool.tasks ? "optional" : "forbidden" },
    })),
  }));

  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const { name, arguments: args, task } = request.params;
    const tool = byName.get(name);
    if (!tool)
      return failed(
        "E_NOT_FOUND",
        `unknown tool "${name}"; this server has ${TOOLS.map((t) => t.name).join(", ")}`,
      );
    if (task && !tool.tasks) {
      throw new McpError(
        ErrorCode.MethodNotFound,
        `${name} does not run as a task (execution.taskSupport is forbidden)`,
      );
    }
    const parsed = tool.input.safeParse(args ?? {});
    const run = (hooks: WaitHooks) =>
      parsed.success
        ? guarded(() => tool.run(ctx, parsed.data as never, hooks))
        : Promise.resolve(invalid(tool, parsed.error));
    if (task) {
      const created = await extra.taskStore!.createTask({ ttl: task.ttl ?? undefined });
      const signal = tasks.signal(created.taskId);
      void run({ signal }).then((result) =>
        extra
          .taskStore!.storeTaskResult(created.taskId, result.isError ? "failed" : "completed", result)
          // Cancelled meanwhile (tasks/cancel): the cancel stands.
          .catch(() => {}),
      );
      return { task: created };
    }
    const token = extra._meta?.progressToken;
    const progress: WaitHooks["progress"] =
      token === undefined
        ? undefined
        : (update) =>
            extra.sendNotification({
              method: "notifications/progress",
              params: { progressToken: token, ...update },
            });
    return run({ signal: extra.signal, progress });
  });
}

function ok(result: object): CallToolResult {
  // The spec asks for the JSON text next to structuredContent (for clients that read only content).
  return {
    content: [{ type: "text", text: JSON.stringify(result) }],
    structuredContent: result as Record<string, unknown>,
  };
}

/**
 * An error result: the text for clients that read only content, and `structuredContent.error` with
 * the BatonError code, which every tool's outputSchema admits (see toolOutputSchema).
 */
function failed(code: BatonErrorCode, message: string, text = message): CallToolResult {
  const error: ErrorOutput["error"] = { code, message };
  return { content: [{ type: "text", text }], structuredContent: { error }, isError: true };
}

function invalid(tool: ToolSpec, error: z.ZodError): CallToolResult {
  const problems = error.issues.map((issue) => {
    const where = issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
    return `${where}${issue.message}`;
  });
  return failed("E_USAGE", `Invalid arguments for tool ${tool.name}: ${problems.join("; ")}`);
}

/** An error result the model can act on; the server keeps serving. */
async function guarded(run: () => object | Promise<object>): Promise<CallToolResult> {
  try {
    return ok(await run());
  } catch (error) {
    if (isBatonError(error)) return failed(error.code, error.message, `${error.message} (${error.code})`);
    return failed(
      "E_INTERNAL",
      `unexpected error: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
