import { mergeFindings } from "../merge.ts";
import { synthesize } from "../synthesis.ts";
import { buildResult, type Pattern, requireSome } from "./shared.ts";
import { fanOut } from "./steps.ts";

export const DEFAULT_LENSES = [
  "correctness and completeness",
  "risks and failure modes",
  "clarity and structure",
];

/** Pattern A — triangulated review: 2–4 read-only reviewers with different lenses, merged into one ranked list. */
export const review: Pattern = async (ctx, options) => {
  const lenses = options.lenses ?? DEFAULT_LENSES;
  ctx.setPlan([
    `Choose ${lenses.length} review lenses: ${lenses.join(", ")}`,
    `Run ${lenses.length} read-only reviewers in parallel`,
    "Merge duplicate findings and rank them by severity",
    "Synthesise one result and one next step",
  ]);
  ctx.advance();
  const outcomes = await fanOut(ctx, "reviewer", lenses);
  ctx.advance();
  const ok = requireSome("every reviewer failed", outcomes);
  const findings = mergeFindings(ok.map((o) => ({ from: o.label, findings: o.result!.findings })));
  ctx.advance();
  const { synthesis } = await synthesize(ctx, {
    goal: "a single ranked review with clear recommendations",
    findings,
  });
  ctx.finish();
  return buildResult(ctx, "review", outcomes, synthesis);
};
