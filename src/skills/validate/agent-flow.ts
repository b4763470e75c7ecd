import type { CheckContext } from "./check-types.ts";
import { type FileCode, resolveIds, type ToolCall, targetsOf } from "./code-analysis.ts";

/** Questions about how spawned agents are waited on and closed, answered on the parsed calls. */

export function fileOf(ctx: CheckContext, call: ToolCall): FileCode {
  return ctx.files.find((f) => f.file === call.file)!;
}

/** Calls after `spawn` in its file whose targets (resolved) include the spawn's binding. */
export function laterCallsOn(ctx: CheckContext, spawn: ToolCall, calls: ToolCall[]): ToolCall[] {
  const binding = spawn.binding?.name;
  if (!binding) return [];
  const file = fileOf(ctx, spawn);
  return calls.filter(
    (c) => c.file === spawn.file && c.start > spawn.start && resolveIds(file, targetsOf(c)).has(binding),
  );
}

export function isClosed(ctx: CheckContext, spawn: ToolCall): boolean {
  return laterCallsOn(ctx, spawn, ctx.closes).length > 0;
}

export function isWaited(ctx: CheckContext, spawn: ToolCall): boolean {
  return laterCallsOn(ctx, spawn, ctx.waits).length > 0;
}

/**
 * Spawns that run at the same time: two or more spawns in one file with no wait between them,
 * and every spawn made inside `.map(…)` (one per item).
 */
export function parallelGroups(ctx: CheckContext): ToolCall[][] {
  const groups: ToolCall[][] = [];
  for (const file of ctx.files) {
    let current: ToolCall[] = [];
    for (const call of file.calls) {
      if (call.name === "spawn_agent") {
        if (call.binding?.kind === "map") groups.push([call]);
        else current.push(call);
      } else if (call.name === "wait_agent" || call.name === "wait") {
        if (current.length > 1) groups.push(current);
        current = [];
      }
    }
    if (current.length > 1) groups.push(current);
  }
  return groups;
}

/** True when the file reads `<binding>.timed_out` after the wait. */
export function checksTimedOut(ctx: CheckContext, wait: ToolCall): boolean {
  const binding = wait.binding?.name;
  if (!binding) return false;
  const after = fileOf(ctx, wait).code.slice(wait.end);
  return new RegExp(`\\b${binding.replace(/\$/g, "\\$")}\\??\\.timed_out\\b`).test(after);
}
