import { workerPrompt } from "../prompts.ts";
import { digest, type Pattern, requireSome } from "./shared.ts";
import { actVerifySynthesise } from "./steps.ts";

/** Pattern C — scout → act → verify: context first, condensed by the orchestrator, then one writer, then a check. */
export const scout: Pattern = async (ctx) => {
  ctx.setPlan([
    "Scout the minimum context (read-only)",
    "Condense the scout report and choose the approach",
    "Implement the change (one writer)",
    "Verify the result (read-only)",
    "Synthesise the result and the next step",
  ]);
  const scoutOutcome = await ctx.worker({
    role: "scout",
    label: "scout",
    prompt: workerPrompt({ kind: "scout", task: ctx.task, scope: "read-only", context: ctx.context }),
  });
  const [scouted] = requireSome("the scout failed", [scoutOutcome]);
  ctx.advance();
  // The orchestrator's condensation is code: keep locations, constraints and the suggested approach, drop the rest.
  const brief = `SCOUT REPORT:\n${digest(scouted!)}`;
  ctx.advance();
  return actVerifySynthesise(
    ctx,
    "scout",
    { label: "scout", outcome: scouted!, brief },
    { task: ctx.task, scope: "may edit what the task requires" },
  );
};
