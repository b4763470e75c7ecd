import { statSync } from "node:fs";
import { resolve } from "node:path";
import { SANDBOX_MODES, type SandboxMode } from "../backends/sandbox.ts";
import type { Backend } from "../backends/types.ts";
import type { SpawnOptions } from "../core/agent.ts";
import { BatonError } from "../errors.ts";
import type { AgentBook } from "./agents.ts";
import type { AgentEntry, RoleEntry } from "./outputs.ts";
import {
  type AgentRole,
  DEFAULT_AGENT_TYPE,
  discoverRoles,
  findRole,
  type RoleHomes,
  roleDirs,
} from "./roles.ts";
import {
  type CloseAgentInput,
  type InterruptAgentInput,
  type ListAgentsInput,
  messageText,
  type SendInputInput,
  type SpawnAgentInput,
} from "./schemas.ts";
import { agentView } from "./views.ts";
import { unknownIds, type WaitLimits } from "./wait.ts";

/** What the tool handlers work on: one pool (through the book) per server. */
export interface ToolContext {
  book: AgentBook;
  backend: Backend;
  /** Base of relative `cwd` arguments and the default working directory of agents. */
  cwd: string;
  roleHomes: RoleHomes;
  limits: WaitLimits;
  /** baton's state folder (runs are recorded under it). */
  home: string;
  /** The most a client may ask for (`--max-sandbox`). */
  maxSandbox: SandboxMode;
  /** `--no-web`: spawn_agent refuses web_search. */
  noWeb?: boolean;
}

const LIST_PAGE = 100;

export function spawnAgent(
  ctx: ToolContext,
  input: SpawnAgentInput,
): { agent_id: string; nickname: string; submission_id: string } {
  const cwd = input.cwd === undefined ? ctx.cwd : resolve(ctx.cwd, input.cwd);
  if (!isDirectory(cwd)) {
    throw new BatonError(
      "E_NOT_FOUND",
      `spawn_agent: cwd "${input.cwd}" is not a directory (resolved to ${cwd})`,
    );
  }
  const role: AgentRole | undefined =
    input.agent_type && input.agent_type !== DEFAULT_AGENT_TYPE
      ? findRole(input.agent_type, dirsFor(ctx, cwd))
      : undefined;
  const sandbox = input.sandbox ?? role?.sandbox ?? "read-only";
  checkSandbox(sandbox, ctx.maxSandbox, input.sandbox === undefined ? role?.name : undefined);
  if (input.web_search && ctx.noWeb) {
    throw new BatonError(
      "E_USAGE",
      "spawn_agent: web search is off in this server (baton mcp --no-web); spawn the agent without web_search",
    );
  }
  // Fails here with install advice, instead of as an errored agent later.
  ctx.backend.resolve();
  const options: SpawnOptions = {
    message: messageText(input),
    label: input.label ?? role?.name,
    role: role?.name,
    cwd,
    sandbox,
    model: input.model ?? role?.model,
    reasoningEffort: input.reasoning_effort ?? role?.reasoningEffort,
    instructions: role?.instructions,
    turnTimeoutMs: input.timeout_ms,
    webSearch: input.web_search === true,
    outputSchema: input.output_schema,
  };
  const id = ctx.book.pool.spawn(options);
  ctx.book.added(id);
  return { agent_id: id, nickname: ctx.book.pool.get(id)?.label ?? id, submission_id: `${id}:1` };
}

function checkSandbox(asked: SandboxMode, max: SandboxMode, roleName: string | undefined): void {
  if (SANDBOX_MODES.indexOf(asked) <= SANDBOX_MODES.indexOf(max)) return;
  const allowed = SANDBOX_MODES.slice(0, SANDBOX_MODES.indexOf(max) + 1).join(" or ");
  throw new BatonError(
    "E_USAGE",
    `spawn_agent: sandbox "${asked}"${roleName ? ` (of agent_type "${roleName}")` : ""} is more than this ` +
      `server allows (--max-sandbox ${max}); ask for ${allowed}, or have the user restart baton mcp with a higher --max-sandbox`,
  );
}

function dirsFor(ctx: ToolContext, cwd: string) {
  return roleDirs(cwd, { ...ctx.roleHomes, claude: ctx.backend.name === "claude" });
}

export function sendInput(ctx: ToolContext, input: SendInputInput): { submission_id: string } {
  const id = requireKnown(ctx, "send_input", (input.id ?? input.target)!);
  const sent = ctx.book.pool.sendInput(id, messageText(input), { interrupt: input.interrupt });
  return { submission_id: sent.submissionId };
}

export async function interruptAgent(ctx: ToolContext, input: InterruptAgentInput) {
  const id = requireKnown(ctx, "interrupt_agent", (input.id ?? input.target)!);
  const { previousStatus } = await ctx.book.pool.interrupt(id);
  return { previous_status: previousStatus };
}

/** A call the client cancels (its request's signal) kills the agent at once instead of after the grace. */
export async function closeAgent(ctx: ToolContext, input: CloseAgentInput, signal?: AbortSignal) {
  const id = requireKnown(ctx, "close_agent", (input.id ?? input.target)!, true);
  const { previousStatus } = await ctx.book.close(id, signal);
  return { previous_status: previousStatus };
}

export function listAgents(
  ctx: ToolContext,
  input: ListAgentsInput,
): { total: number; next_cursor: string | null; agents: AgentEntry[] } {
  const start = input.cursor === undefined ? 0 : Number(input.cursor);
  if (!Number.isInteger(start) || start < 0) {
    throw new BatonError("E_USAGE", `list_agents: cursor "${input.cursor}" is not one list_agents gave out`);
  }
  const limit = input.limit ?? LIST_PAGE;
  const agents = ctx.book.page(start, limit).map(agentView);
  const next = start + limit < ctx.book.size ? String(start + limit) : null;
  return { total: ctx.book.size, next_cursor: next, agents };
}

export function listRoles(ctx: ToolContext): { roles: RoleEntry[]; problems: string[] } {
  const { roles, problems } = discoverRoles(dirsFor(ctx, ctx.cwd));
  return {
    roles: roles.map((role) => ({
      name: role.name,
      source: role.source,
      description: role.description ?? "",
      sandbox: role.sandbox ?? null,
      model: role.model ?? null,
      file: role.file ?? null,
    })),
    problems,
  };
}

/** The role names for spawn_agent's description (built-ins and the server directory's roles). */
export function roleSummary(ctx: ToolContext): string {
  return discoverRoles(dirsFor(ctx, ctx.cwd))
    .roles.map((role) => role.name)
    .join(", ");
}

function requireKnown(ctx: ToolContext, op: string, id: string, closedOk = false): string {
  if (ctx.book.entry(id) === undefined) throw unknownIds(op, [id], ctx.book);
  if (!closedOk && ctx.book.isClosed(id)) {
    throw new BatonError(
      "E_CLOSED",
      `${op}: agent "${id}" was closed; close is irreversible — spawn a new agent`,
      {
        agentId: id,
      },
    );
  }
  return id;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
