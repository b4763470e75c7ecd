import { workerPrompt } from "../prompts.ts";
import { synthesize } from "../synthesis.ts";
import { buildResult, digest, type Pattern, requireSome } from "./shared.ts";
import { verdict } from "./verdict.ts";

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
  const brief = digest(scouted!);
  ctx.advance();
  const actOutcome = await ctx.worker({
    role: "implementer",
    label: "implementer",
    write: true,
    prompt: workerPrompt({
      kind: "implementer",
      task: ctx.task,
      scope: "may edit what the task requires",
      inputs: `SCOUT REPORT:\n${brief}`,
      context: ctx.context,
    }),
  });
  const [implementer] = requireSome("the implementer failed", [actOutcome]);
  ctx.advance();
  const verifier = await ctx.worker({
    role: "verifier",
    label: "verifier",
    prompt: workerPrompt({
      kind: "verifier",
      task: ctx.task,
      scope: "read-only",
      inputs: digest(implementer!),
      context: ctx.context,
    }),
  });
  const verification = verdict(verifier);
  ctx.advance();
  const { synthesis } = await synthesize(ctx, {
    goal: "the outcome of scout → act → verify",
    notes: [
      { label: "scout", text: brief },
      { label: "implementation", text: digest(implementer!) },
      { label: "verification", text: verification.summary },
    ],
  });
  ctx.finish();
  return buildResult(ctx, "scout", [scouted!, implementer!, verifier], synthesis, { verification });
};
