import { z } from "zod";
import { describeIssues } from "../util/zod-issues.ts";
import type { RunContext } from "./context.ts";
import { renderContextPack } from "./context-pack.ts";
import type { PatternOptions } from "./patterns/shared.ts";
import { WORKER_PREAMBLE } from "./prompts.ts";
import { PATTERNS, type PatternName, PatternNameSchema } from "./result.ts";

export const PlannerAnswerSchema = z
  .object({
    pattern: PatternNameSchema,
    lenses: z
      .array(z.string())
      .describe("2-4 review lenses / research angles / option directions; empty if not used"),
    sections: z.array(z.string()).describe("slices for the split pattern; empty otherwise"),
    rationale: z.string(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.pattern === "split" && v.sections.length < 2)
      ctx.addIssue({ code: "custom", message: "split needs at least two sections" });
    if (v.pattern === "review" && v.lenses.length > 0 && (v.lenses.length < 2 || v.lenses.length > 4)) {
      ctx.addIssue({ code: "custom", message: "a review uses 2-4 lenses" });
    }
    if (v.pattern === "options" && v.lenses.length > 3)
      ctx.addIssue({ code: "custom", message: "an options sprint has 2-3 options" });
  });
const PLANNER_JSON_SCHEMA = z.toJSONSchema(PlannerAnswerSchema, { target: "draft-7" }) as Record<
  string,
  unknown
>;

const GUIDE = `Pick ONE orchestration pattern for the task:
- review: triangulated review — 2-4 reviewers with different lenses on the same artefact (read-only).
- review-fix: a reviewer ranks issues, one implementer fixes the top ones, a verifier checks.
- scout: lack of context is the biggest risk — scout, then implement, then verify.
- split: the work divides cleanly into sections/modules; each worker owns one slice.
- research: mostly finding and judging sources; parallel research then a brief.
- options: choosing a direction — 2-3 alternatives, one selected and refined.
Do not over-engineer: if simple, pick the smallest pattern that fits.`;

export interface PlannerChoice {
  pattern: PatternName;
  options: PatternOptions;
  rationale: string;
  /** Set when the planner's answer could not be used and baton fell back to a default. */
  fallback?: string;
}

/** `--pattern auto`: a planner agent chooses the pattern and the split as structured output, validated before use. */
export async function choosePattern(ctx: RunContext, given: PatternOptions): Promise<PlannerChoice> {
  const prompt = [
    WORKER_PREAMBLE,
    `TASK: Choose how to orchestrate this task: ${ctx.task}`,
    "SCOPE: read-only; look around only as much as needed to decide",
    renderContextPack(ctx.context).trimEnd(),
    GUIDE,
    `OUTPUT: JSON with pattern (one of ${PATTERNS.join(", ")}), lenses, sections, rationale.`,
  ]
    .filter(Boolean)
    .join("\n");
  const outcome = await ctx.worker({
    role: "planner",
    label: "planner",
    prompt,
    schema: PLANNER_JSON_SCHEMA,
  });
  let why: string;
  if (outcome.ok) {
    let raw: unknown;
    try {
      raw = JSON.parse(outcome.finalMessage);
    } catch {
      raw = undefined;
    }
    const parsed = PlannerAnswerSchema.safeParse(raw);
    if (parsed.success) {
      const a = parsed.data;
      return {
        pattern: a.pattern,
        rationale: a.rationale,
        options: {
          ...given,
          lenses: given.lenses ?? (a.lenses.length ? a.lenses : undefined),
          sections: given.sections ?? (a.sections.length ? a.sections : undefined),
        },
      };
    }
    why =
      raw === undefined
        ? "its answer was not JSON"
        : describeIssues(parsed.error, { top: "answer", max: Infinity });
  } else {
    why = `the planner ${outcome.endReason}${outcome.error ? `: ${outcome.error}` : ""}`;
  }
  return {
    pattern: "review",
    options: given,
    rationale: "fallback",
    fallback: `planner answer rejected (${why}); ran a triangulated review instead`,
  };
}
