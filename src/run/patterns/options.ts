import { BatonError } from "../../errors.ts";
import { workerPrompt } from "../prompts.ts";
import { synthesize } from "../synthesis.ts";
import { buildResult, completed, digest, type Pattern, requireSome } from "./shared.ts";
import { fanOut } from "./steps.ts";

export const DEFAULT_DIRECTIONS = [
  "the simplest thing that works",
  "the most robust approach",
  "a different direction",
];

/** Pattern F — options sprint: 2–3 alternatives in parallel, one selected and refined. */
export const options: Pattern = async (ctx, opts) => {
  const count = opts.workers ?? opts.lenses?.length ?? 3;
  if (count < 2 || count > 3)
    throw new BatonError(
      "E_USAGE",
      `\`pattern\` options runs 2 or 3 option workers, got \`workers\` ${count}`,
    );
  const directions = (opts.lenses ?? DEFAULT_DIRECTIONS).slice(0, count);
  ctx.setPlan([
    `Generate ${count} alternatives in parallel`,
    "Compare them and select one",
    "Refine the selected option",
    "Deliver the refined option and the next step",
  ]);
  const outcomes = await fanOut(ctx, "options", directions);
  requireSome("every option worker failed", outcomes);
  const proposals = completed(outcomes);
  ctx.advance();
  const { synthesis: choice } = await synthesize(ctx, {
    goal: "a choice between the options: pick one (put its label in `selected`) and say why",
    notes: proposals.map((o) => ({ label: o.label, text: digest(o) })),
  });
  const chosen = proposals.find((o) => o.label === choice.selected.trim()) ?? proposals[0]!;
  ctx.advance();
  const refineOutcome = await ctx.worker({
    role: "options",
    label: `refine: ${chosen.label}`,
    prompt: workerPrompt({
      kind: "implementer",
      task: `refine the selected option into a ready-to-use proposal for: ${ctx.task}`,
      scope: "read-only; write the refined proposal in your answer",
      inputs: `SELECTED OPTION (${chosen.label}):\n${digest(chosen)}\nWHY: ${choice.result}`,
      context: ctx.context,
    }),
  });
  const refined = refineOutcome.ok && refineOutcome.result ? refineOutcome : chosen;
  ctx.advance();
  ctx.finish();
  return buildResult(
    ctx,
    "options",
    [refined],
    { ...choice, result: refined.result!.summary || choice.result },
    {
      selected: chosen.label,
      options: proposals.map((o) => ({ label: o.label, summary: o.result!.summary })),
    },
  );
};
