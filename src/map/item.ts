import type { SandboxMode } from "../backends/types.ts";
import type { Pool } from "../core/pool.ts";
import type { EndReason } from "../core/status.ts";
import { addUsage, type Usage, ZERO_USAGE } from "../core/usage.ts";
import { type OutputSchema, repairPrompt } from "./output-schema.ts";
import type { MapResult } from "./results.ts";
import type { MapItem } from "./tasks.ts";

/** End reasons that mean "the map was stopped", not "the item failed": such an item is not done. */
const STOPPED: ReadonlySet<EndReason> = new Set(["cancelled", "budget_exhausted", "closed", "interrupted"]);
/** End reasons worth another agent (a fresh start), up to `retries` times. */
const RETRIED: ReadonlySet<EndReason> = new Set(["failed", "timed_out", "stalled", "rate_limited"]);

export interface ItemContext {
  pool: Pool;
  schema?: OutputSchema;
  retries: number;
  sandbox: SandboxMode;
  cwd?: string;
  /** The next agent id (unique across resumes of the same record). */
  nextAgentId(): string;
}

/**
 * One item's whole life: an agent per attempt, its answer checked against the schema (an invalid one
 * gets one repair turn on the same thread), and closed at the end. Returns the item's result line, or
 * undefined when the map was stopped (cancel, budget) before the item finished: it is not done.
 */
export async function runItem(
  ctx: ItemContext,
  item: MapItem,
  prompt: string,
): Promise<MapResult | undefined> {
  // Tokens of earlier attempts; the current agent's own usage is added to them.
  let spent: Usage = ZERO_USAGE;
  for (let attempt = 1; ; attempt++) {
    const agentId = ctx.pool.spawn({
      id: ctx.nextAgentId(),
      message: prompt,
      label: item.id,
      role: "map-item",
      outputSchema: ctx.schema?.json,
      sandbox: ctx.sandbox,
      cwd: ctx.cwd,
    });
    const row = ({ status, ...fields }: Partial<MapResult> & Pick<MapResult, "status">): MapResult => ({
      id: item.id,
      status,
      line: item.line,
      attempts: attempt,
      agentId,
      usage: addUsage(spent, ctx.pool.get(agentId)?.usage ?? ZERO_USAGE),
      ...fields,
    });
    try {
      let outcome = await finish(ctx.pool, agentId);
      let stage = "";
      if (outcome.endReason === "completed") {
        if (!ctx.schema) return row({ status: "ok", answer: outcome.answer });
        let checked = ctx.schema.check(outcome.answer);
        if (!checked.ok) {
          ctx.pool.sendInput(agentId, repairPrompt(checked.reason, ctx.schema.json));
          outcome = await finish(ctx.pool, agentId);
          stage = "repair turn: ";
          if (outcome.endReason === "completed") {
            checked = ctx.schema.check(outcome.answer);
            if (!checked.ok)
              return row({
                status: "failed",
                endReason: "invalid",
                error: `${checked.reason} (after one repair turn)`,
              });
          }
        }
        if (checked.ok) return row({ status: "ok", result: checked.value });
      }
      if (STOPPED.has(outcome.endReason)) return undefined;
      // A failed turn (or repair turn: e.g. the fleet worker holding its conversation died) starts afresh.
      if (!RETRIED.has(outcome.endReason) || attempt > ctx.retries)
        return row({ status: "failed", endReason: outcome.endReason, error: `${stage}${outcome.error}` });
      spent = addUsage(spent, ctx.pool.get(agentId)?.usage ?? ZERO_USAGE);
    } finally {
      await ctx.pool.close(agentId);
    }
  }
}

interface Outcome {
  endReason: EndReason;
  answer: string;
  error: string;
}

async function finish(pool: Pool, agentId: string): Promise<Outcome> {
  const waited = await pool.wait([agentId]);
  const agent = pool.get(agentId);
  const endReason = waited.endReasons[agentId] ?? agent?.endReason ?? "failed";
  return {
    endReason,
    answer: agent?.finalMessage ?? "",
    error: agent?.error ?? endReason,
  };
}
