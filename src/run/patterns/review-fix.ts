import { workerPrompt } from "../prompts.ts";
import { type Pattern, requireSome } from "./shared.ts";
import { actVerifySynthesise } from "./steps.ts";

/** Pattern B — review → fix → verify: a ranked issue list, one writer fixes the top items, a verifier checks. */
export const reviewFix: Pattern = async (ctx) => {
  ctx.setPlan([
    "Review and rank issues by impact (read-only)",
    "Fix the top issues (one writer)",
    "Verify the fix (read-only)",
    "Synthesise the result and the next step",
  ]);
  const reviewOutcome = await ctx.worker({
    role: "reviewer",
    label: "reviewer",
    prompt: workerPrompt({
      kind: "reviewer",
      task: ctx.task,
      scope: "read-only",
      lens: "impact: rank issues by how much they matter",
      context: ctx.context,
    }),
  });
  const [reviewer] = requireSome("the reviewer failed", [reviewOutcome]);
  ctx.advance();
  const top = reviewer!.result!.findings.slice(0, 5);
  const brief = top
    .map((f, i) => `${i + 1}. [${f.severity}] ${f.title} (${f.location}) → ${f.recommendation}`)
    .join("\n");
  return actVerifySynthesise(
    ctx,
    "review-fix",
    { label: "review", outcome: reviewer!, brief: `TOP ISSUES FROM REVIEW:\n${brief}` },
    {
      task: `fix the top issues found in review of: ${ctx.task}`,
      scope: "may edit the files the issues name",
    },
  );
};
