import { workerPrompt } from "../prompts.ts";
import { synthesize } from "../synthesis.ts";
import { buildResult, digest, type Pattern, requireSome } from "./shared.ts";
import { verdict } from "./verdict.ts";

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
  const fixOutcome = await ctx.worker({
    role: "implementer",
    label: "implementer",
    write: true,
    prompt: workerPrompt({
      kind: "implementer",
      task: `fix the top issues found in review of: ${ctx.task}`,
      scope: "may edit the files the issues name",
      inputs: top
        .map((f, i) => `${i + 1}. [${f.severity}] ${f.title} (${f.location}) → ${f.recommendation}`)
        .join("\n"),
      context: ctx.context,
    }),
  });
  const [implementer] = requireSome("the implementer failed", [fixOutcome]);
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
    goal: "the outcome of review → fix → verify",
    notes: [
      { label: "review", text: digest(reviewer!) },
      { label: "fix", text: digest(implementer!) },
      { label: "verification", text: verification.summary },
    ],
  });
  ctx.finish();
  return buildResult(ctx, "review-fix", [reviewer!, implementer!, verifier], synthesis, { verification });
};
