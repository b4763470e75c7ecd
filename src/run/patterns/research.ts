import { mergeFindings } from "../merge.ts";
import { synthesize } from "../synthesis.ts";
import { buildResult, completed, type Pattern, requireSome } from "./shared.ts";
import { fanOut } from "./steps.ts";

export const DEFAULT_ANGLES = [
  "official documentation and primary sources",
  "practical experience and known problems",
  "alternatives and comparisons",
  "costs, limits and performance",
  "security and compliance",
  "history, trends and maintenance",
  "adoption and migration",
  "open questions and counter-evidence",
];

/** `--workers N` is honoured: the angles given, else baton's own (numbered past the eight above). */
export function researchAngles(lenses: string[] | undefined, workers: number | undefined): string[] {
  if (lenses) return lenses.slice(0, workers ?? lenses.length);
  const count = workers ?? 3;
  return Array.from({ length: count }, (_, i) => DEFAULT_ANGLES[i] ?? `further sources (${i + 1})`);
}

/** Pattern E — research → synthesis → next actions: sources gathered in parallel, one decision-ready brief. */
export const research: Pattern = async (ctx, options) => {
  const angles = researchAngles(options.lenses, options.workers);
  ctx.setPlan([
    `Split the question into ${angles.length} research angles`,
    `Collect sources on each angle in parallel (read-only)`,
    "Synthesise a decision-ready brief with sources and uncertainty",
    "Recommend the next actions",
  ]);
  ctx.advance();
  const outcomes = await fanOut(ctx, "research", angles);
  ctx.advance();
  requireSome("every research worker failed", outcomes);
  const findings = mergeFindings(
    completed(outcomes).map((o) => ({ from: o.label, findings: o.result!.findings })),
  );
  const { synthesis } = await synthesize(ctx, {
    goal: "a decision-ready brief: what the sources say, where they disagree or are uncertain, and the next actions",
    findings,
  });
  ctx.advance();
  ctx.finish();
  return buildResult(ctx, "research", outcomes, synthesis);
};
