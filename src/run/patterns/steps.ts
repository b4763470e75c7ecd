import type { RunContext, WorkerOutcome } from "../context.ts";
import { type WorkerKind, workerPrompt } from "../prompts.ts";
import type { RunResult } from "../result.ts";
import { synthesize } from "../synthesis.ts";
import { buildResult, digest, requireSome } from "./shared.ts";
import { verdict } from "./verdict.ts";

/** Read-only workers of one kind in parallel, one per lens (reviewers) or focus (everyone else). */
export function fanOut(ctx: RunContext, kind: WorkerKind, items: string[]): Promise<WorkerOutcome[]> {
  return ctx.workers(
    items.map((item) => ({
      role: kind,
      label: item,
      webSearch: kind === "research",
      prompt: workerPrompt({
        kind,
        task: ctx.task,
        scope: kind === "section" ? `read-only; your slice: ${item}` : "read-only",
        ...(kind === "reviewer" ? { lens: item } : { focus: item }),
        context: ctx.context,
      }),
    })),
  );
}

/**
 * The tail Patterns B and C share: one writer implements (given what the first step found), a
 * read-only verifier checks, and the synthesis reports the outcome. The plan is advanced per step.
 */
export async function actVerifySynthesise(
  ctx: RunContext,
  pattern: "review-fix" | "scout",
  first: { label: string; outcome: WorkerOutcome; brief: string },
  act: { task: string; scope: string },
): Promise<RunResult> {
  const actOutcome = await ctx.worker({
    role: "implementer",
    label: "implementer",
    write: true,
    prompt: workerPrompt({ kind: "implementer", ...act, inputs: first.brief, context: ctx.context }),
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
    goal: `the outcome of ${pattern === "scout" ? "scout → act → verify" : "review → fix → verify"}`,
    notes: [
      { label: first.label, text: first.brief },
      { label: "implementation", text: digest(implementer!) },
      { label: "verification", text: verification.summary },
    ],
  });
  ctx.finish();
  return buildResult(ctx, pattern, [first.outcome, implementer!, verifier], synthesis, { verification });
}
