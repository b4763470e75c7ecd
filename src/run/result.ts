import { z } from "zod";
import type { MergeOutcome } from "../git/merge-queue.ts";
import type { MergedFinding } from "./merge.ts";

export const PATTERNS = ["review", "review-fix", "scout", "split", "research", "options"] as const;
export const PatternNameSchema = z.enum(PATTERNS);
export type PatternName = z.infer<typeof PatternNameSchema>;

export interface FailedWorker {
  agentId: string;
  label: string;
  endReason: string;
  error?: string;
}

/** What every pattern delivers: one clear result, one recommended next step, and the curated detail. */
export interface RunResult {
  pattern: PatternName;
  summary: string;
  nextStep: string;
  findings: MergedFinding[];
  proposedChanges: Array<{ file: string; change: string; risk: string; from: string }>;
  tests: string[];
  openQuestions: string[];
  /** Pattern F: the option chosen, and every option proposed. */
  selected?: string;
  options?: Array<{ label: string; summary: string }>;
  /** Pattern D: what each slice produced. */
  sections?: Array<{ label: string; summary: string }>;
  /** Patterns B and C: the verifier's verdict. */
  verification?: { passed: boolean; summary: string };
  /**
   * Worktree writers: what became of each writer's branch — merged, or kept (with the reason, the
   * conflicting files and the patch in the run record).
   */
  merges?: MergeOutcome[];
  failedWorkers: FailedWorker[];
  warnings: string[];
}

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
