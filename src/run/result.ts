import { z } from "zod";
import { MergeOutcomeSchema } from "../git/merge-events.ts";
import { FindingSchema } from "./worker-result.ts";

export const PATTERNS = ["review", "review-fix", "scout", "split", "research", "options"] as const;
export const PatternNameSchema = z.enum(PATTERNS);
export type PatternName = z.infer<typeof PatternNameSchema>;

/**
 * A finding as the result holds it: merged across workers, with who reported it. Not strict like the
 * worker's answer: a stored result is read as it was written, keys of another version dropped.
 */
export const MergedFindingSchema = z.object({
  ...FindingSchema.shape,
  /** Which workers (lenses, sections, …) reported it. */
  reportedBy: z.array(z.string()),
});
export type MergedFinding = z.infer<typeof MergedFindingSchema>;

export const FailedWorkerSchema = z.object({
  agentId: z.string(),
  label: z.string(),
  endReason: z.string(),
  error: z.string().optional(),
});
export type FailedWorker = z.infer<typeof FailedWorkerSchema>;

const LabelledSummary = z.object({ label: z.string(), summary: z.string() });

/** What every pattern delivers: one clear result, one recommended next step, and the curated detail. */
export const RunResultSchema = z.object({
  pattern: PatternNameSchema,
  summary: z.string(),
  nextStep: z.string(),
  findings: z.array(MergedFindingSchema),
  proposedChanges: z.array(
    z.object({ file: z.string(), change: z.string(), risk: z.string(), from: z.string() }),
  ),
  tests: z.array(z.string()),
  openQuestions: z.array(z.string()),
  /** Pattern F: the option chosen, and every option proposed. */
  selected: z.string().optional(),
  options: z.array(LabelledSummary).optional(),
  /** Pattern D: what each slice produced. */
  sections: z.array(LabelledSummary).optional(),
  /** Patterns B and C: the verifier's verdict. */
  verification: z.object({ passed: z.boolean(), summary: z.string() }).optional(),
  /**
   * Worktree writers: what became of each writer's branch — merged, or kept (with the reason, the
   * conflicting files and the patch in the run record).
   */
  merges: z.array(MergeOutcomeSchema).optional(),
  failedWorkers: z.array(FailedWorkerSchema),
  warnings: z.array(z.string()),
});
export type RunResult = z.infer<typeof RunResultSchema>;

/** The synthesis agent's answer (strict schema: every key required). */
export const SynthesisSchema = z
  .object({
    result: z.string().describe("One clear result, curated — not raw worker output"),
    next_step: z.string().describe("One recommended next step"),
    selected: z.string().describe("For an options sprint: the label of the chosen option; else empty"),
  })
  .strict();
export type Synthesis = z.infer<typeof SynthesisSchema>;
export const SYNTHESIS_JSON_SCHEMA = z.toJSONSchema(SynthesisSchema, { target: "draft-7" }) as Record<
  string,
  unknown
>;
