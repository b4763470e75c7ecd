import { z } from "zod";
import { BatonError } from "../errors.ts";
import { describeIssues } from "../util/zod-issues.ts";

const STEP_MAX = 140;

export const PlanStepSchema = z.object({
  step: z.string().min(1).max(STEP_MAX),
  status: z.enum(["pending", "in_progress", "completed"]),
});

/** A plan as records hold it (the journal's `plan.updated`, `run.json`): the shape, read as stored. */
export const StoredPlanSchema = z.object({
  explanation: z.string().optional(),
  plan: z.array(PlanStepSchema),
});

/** The shape of Codex's `update_plan` tool, with the seed's rules: 3–6 short steps, exactly one in progress. */
export const PlanSchema = StoredPlanSchema.extend({
  plan: z.array(PlanStepSchema).min(3).max(6),
}).superRefine((value, ctx) => {
  const inProgress = value.plan.filter((s) => s.status === "in_progress").length;
  const allDone = value.plan.every((s) => s.status === "completed");
  if (!allDone && inProgress !== 1) {
    ctx.addIssue({ code: "custom", message: `exactly one step must be in_progress, found ${inProgress}` });
  }
});
export type Plan = z.infer<typeof PlanSchema>;

export function validatePlan(value: unknown): Plan {
  const parsed = PlanSchema.safeParse(value);
  if (!parsed.success) {
    const why = describeIssues(parsed.error, { top: "plan", max: Infinity });
    throw new BatonError(
      "E_VALIDATION",
      `invalid plan (${why}); a plan has 3–6 short steps and exactly one in_progress`,
    );
  }
  return parsed.data;
}

/** Builds a plan from baton's own step texts; a step naming long lenses or many sections is shortened. */
export function makePlan(steps: string[], explanation?: string): Plan {
  const shorten = (step: string) => (step.length <= STEP_MAX ? step : `${step.slice(0, STEP_MAX - 1)}…`);
  return validatePlan({
    explanation,
    plan: steps.map((step, i) => ({ step: shorten(step), status: i === 0 ? "in_progress" : "pending" })),
  });
}

/** Completes the step in progress and starts the next one (or finishes the plan). */
export function advancePlan(plan: Plan): Plan {
  const current = plan.plan.findIndex((s) => s.status === "in_progress");
  if (current === -1) return plan;
  return validatePlan({
    explanation: plan.explanation,
    plan: plan.plan.map((s, i) => ({
      step: s.step,
      status: i === current ? "completed" : i === current + 1 ? "in_progress" : s.status,
    })),
  });
}

export function finishPlan(plan: Plan): Plan {
  return validatePlan({
    explanation: plan.explanation,
    plan: plan.plan.map((s) => ({ step: s.step, status: "completed" })),
  });
}
