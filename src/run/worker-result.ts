import { z } from "zod";

export const SeveritySchema = z.enum(["critical", "high", "medium", "low", "info"]);
export type Severity = z.infer<typeof SeveritySchema>;

export const FindingSchema = z
  .object({
    title: z.string(),
    severity: SeveritySchema,
    location: z.string().describe("file:line, section or source; empty if none"),
    evidence: z.string().describe("what was seen, where"),
    recommendation: z.string(),
  })
  .strict();
export type Finding = z.infer<typeof FindingSchema>;

/**
 * The seed's Pattern 6 output (Summary, Findings, Proposed changes, Tests, Open questions), as data.
 * Every field is required and no extra keys are allowed so the same schema works as a strict
 * `--output-schema` for the model.
 */
export const WorkerResultSchema = z
  .object({
    summary: z.string().describe("One-sentence completion status"),
    findings: z.array(FindingSchema),
    proposed_changes: z.array(z.object({ file: z.string(), change: z.string(), risk: z.string() }).strict()),
    tests: z.array(z.string()),
    open_questions: z.array(
      z.object({ question: z.string(), options: z.array(z.string()), recommended: z.string() }).strict(),
    ),
  })
  .strict();
export type WorkerResult = z.infer<typeof WorkerResultSchema>;

export const WORKER_RESULT_JSON_SCHEMA = z.toJSONSchema(WorkerResultSchema, { target: "draft-7" }) as Record<
  string,
  unknown
>;

export const EMPTY_RESULT: WorkerResult = {
  summary: "",
  findings: [],
  proposed_changes: [],
  tests: [],
  open_questions: [],
};
