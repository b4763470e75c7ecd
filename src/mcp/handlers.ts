import { statSync } from "node:fs";
import { resolve } from "node:path";
import type { z } from "zod";
import type { Backend } from "../backends/types.ts";
import type { AgentSnapshot, SpawnOptions } from "../core/agent.ts";
import type { Pool } from "../core/pool.ts";
import type { WaitResult } from "../core/wait.ts";
import { BatonError } from "../errors.ts";
import { DEFAULT_AGENT_TYPE, findRole, roleDirs } from "./roles.ts";
import {
  type agentEntry,
  type CloseAgentInput,
  messageText,
  type SendInputInput,
  type SpawnAgentInput,
  WAIT_DEFAULT_MS,
  WAIT_MAX_MS,
  type WaitInput,
} from "./schemas.ts";

/** What the tool handlers work on: one pool per server. */
export interface ToolContext {
  pool: Pool;
  backend: Backend;
  /** Base of relative `cwd` arguments and the default working directory of agents. */
  cwd: string;
  /** Where `$CODEX_HOME/agents` is looked for; default: $CODEX_HOME or ~/.codex. */
  codexHome?: string;
  /** Upper bound of one `wait` call; default WAIT_MAX_MS. */
  waitMaxMs?: number;
}

export function spawnAgent(ctx: ToolContext, input: SpawnAgentInput): { agent_id: string; nickname: string } {
  const cwd = input.cwd === undefined ? ctx.cwd : resolve(ctx.cwd, input.cwd);
  if (!isDirectory(cwd)) {
    throw new BatonError(
      "E_NOT_FOUND",
      `spawn_agent: cwd "${input.cwd}" is not a directory (resolved to ${cwd})`,
    );
  }
  const role =
    input.agent_type && input.agent_type !== DEFAULT_AGENT_TYPE
      ? findRole(input.agent_type, roleDirs(cwd, ctx.codexHome))
      : undefined;
  // Fails here with install advice, instead of as an errored agent later.
  ctx.backend.resolve();
  const options: SpawnOptions = {
    message: messageText(input),
    label: input.label ?? role?.name,
    cwd,
    sandbox: input.sandbox ?? role?.sandbox ?? "read-only",
    model: input.model ?? role?.model,
    instructions: role?.instructions,
    turnTimeoutMs: input.timeout_ms,
    outputSchema: input.output_schema,
  };
  const id = ctx.pool.spawn(options);
  return { agent_id: id, nickname: ctx.pool.get(id)?.label ?? id };
}

/** Clamped so that a call always returns well inside the client's tool-call timeout. */
export function waitBoundMs(requested: number | undefined, maxMs = WAIT_MAX_MS): number {
  const wanted = requested === undefined || Number.isNaN(requested) ? WAIT_DEFAULT_MS : requested;
  return Math.min(maxMs, Math.max(0, Math.round(wanted)));
}

export async function waitAgents(
  ctx: ToolContext,
  input: WaitInput,
  signal?: AbortSignal,
): Promise<WaitResult> {
  const ids = (input.ids ?? input.targets)!;
  const unknown = ids.filter((id) => ctx.pool.get(id) === undefined);
  if (unknown.length > 0) throw unknownIds("wait", unknown, ctx.pool);
  return ctx.pool.wait(ids, {
    timeoutMs: waitBoundMs(input.timeout_ms, ctx.waitMaxMs),
    mode: input.mode ?? "all",
    signal,
  });
}

export function sendInput(ctx: ToolContext, input: SendInputInput): { submission_id: string } {
  const id = (input.id ?? input.target)!;
  if (ctx.pool.get(id) === undefined) throw unknownIds("send_input", [id], ctx.pool);
  return ctx.pool.sendInput(id, messageText(input), { interrupt: input.interrupt });
}

export async function closeAgent(
  ctx: ToolContext,
  input: CloseAgentInput,
): Promise<{ previous_status: string }> {
  const id = (input.id ?? input.target)!;
  if (ctx.pool.get(id) === undefined) throw unknownIds("close_agent", [id], ctx.pool);
  return ctx.pool.close(id);
}

export function listAgents(ctx: ToolContext): { agents: z.infer<typeof agentEntry>[] } {
  return { agents: ctx.pool.list().map(agentView) };
}

function agentView(agent: AgentSnapshot): z.infer<typeof agentEntry> {
  return {
    agent_id: agent.id,
    label: agent.label,
    status: agent.status,
    end_reason: agent.endReason ?? null,
    error: agent.error ?? null,
    usage: {
      input_tokens: agent.usage.inputTokens,
      cached_input_tokens: agent.usage.cachedInputTokens,
      output_tokens: agent.usage.outputTokens,
      reasoning_tokens: agent.usage.reasoningTokens,
    },
    turns: agent.turns.length,
    queued_inputs: agent.queuedInputs,
    thread_id: agent.threadId ?? null,
    created_at: new Date(agent.createdAt).toISOString(),
    last_activity_at: new Date(agent.lastActivityAt).toISOString(),
  };
}

function unknownIds(op: string, ids: string[], pool: Pool): BatonError {
  const known = pool.list().map((a) => a.id);
  const quoted = ids.map((id) => `"${id}"`).join(", ");
  return new BatonError(
    "E_NOT_FOUND",
    `${op}: no agent with id ${quoted}. ` +
      (known.length > 0
        ? `Known agents: ${known.join(", ")}.`
        : "No agent has been spawned yet; use spawn_agent."),
    { agentId: ids[0] },
  );
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
