import { BatonError } from "../../errors.ts";
import type { RunContext } from "../context.ts";
import { workerPrompt } from "../prompts.ts";
import { synthesize } from "../synthesis.ts";
import { buildResult, completed, digest, type Pattern, requireSome } from "./shared.ts";
import { fanOut } from "./steps.ts";

/**
 * Pattern D — split by sections: each worker owns a distinct slice; the slices are merged for
 * consistency. With `write` the section workers edit files, each scoped to its section (worktree
 * writers run in parallel, each on its own branch, and are merged by the merge queue).
 */
export const split: Pattern = async (ctx, options) => {
  const sections = options.sections ?? [];
  if (sections.length < 2) {
    throw new BatonError(
      "E_USAGE",
      "`pattern` split needs at least two `sections`, e.g. `sections` src/api,src/cli,docs",
    );
  }
  ctx.setPlan([
    `Split the work into ${sections.length} slices: ${sections.join(", ")}`,
    `Run ${sections.length} workers in parallel, one per slice`,
    "Merge the slices and check them for consistency",
    "Synthesise one result and one next step",
  ]);
  ctx.advance();
  const outcomes = options.write
    ? await sectionWriters(ctx, sections)
    : await fanOut(ctx, "section", sections);
  ctx.advance();
  requireSome("every section worker failed", outcomes);
  const parts = completed(outcomes).map((o) => ({ label: o.label, summary: o.result!.summary }));
  ctx.advance();
  const { synthesis } = await synthesize(ctx, {
    goal: "one consistent whole from the slices (name any inconsistency between them)",
    notes: completed(outcomes).map((o) => ({ label: o.label, text: digest(o) })),
  });
  ctx.finish();
  return buildResult(ctx, "split", outcomes, synthesis, { sections: parts });
};

function sectionWriters(ctx: RunContext, sections: string[]) {
  return ctx.workers(
    sections.map((section) => ({
      role: "section",
      label: section,
      write: true,
      scope: [section],
      prompt: workerPrompt({
        kind: "section",
        task: ctx.task,
        scope: `may edit files of your slice only: ${section}`,
        focus: section,
        context: ctx.context,
      }),
    })),
  );
}
