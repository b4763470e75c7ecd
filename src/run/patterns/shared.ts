import { BatonError } from "../../errors.ts";
import type { RunContext, WorkerOutcome } from "../context.ts";
import { mergeFindings } from "../merge.ts";
import type { PatternName, RunResult, Synthesis } from "../result.ts";

export interface PatternOptions {
  lenses?: string[];
  sections?: string[];
  workers?: number;
  /** Pattern D: section workers edit files, each scoped to its section. */
  write?: boolean;
}

export type Pattern = (ctx: RunContext, options: PatternOptions) => Promise<RunResult>;

export function completed(outcomes: WorkerOutcome[]): WorkerOutcome[] {
  return outcomes.filter((o) => o.ok && o.result);
}

/**
 * A step the pattern cannot go on without failed: the run fails, with what it has kept. Its code says
 * why when every worker ended the same way: deadlines (`E_TIMEOUT`), a cancel (`E_INTERRUPTED`).
 */
export function stepFailed(what: string, outcomes: WorkerOutcome[]): BatonError {
  const why = outcomes.map((o) => `${o.label}: ${o.endReason}${o.error ? ` (${o.error})` : ""}`).join("; ");
  const all = (reasons: string[]) =>
    outcomes.length > 0 && outcomes.every((o) => reasons.includes(o.endReason));
  const code = all(["timed_out", "stalled"])
    ? "E_TIMEOUT"
    : all(["cancelled", "interrupted"])
      ? "E_INTERRUPTED"
      : "E_BACKEND";
  return new BatonError(code, `${what}: ${why}`);
}

/** Requires at least one completed worker among `outcomes`. */
export function requireSome(what: string, outcomes: WorkerOutcome[]): WorkerOutcome[] {
  const ok = completed(outcomes);
  if (ok.length === 0) throw stepFailed(what, outcomes);
  return ok;
}

/** A compact rendering of a worker's result, used as input for the next step. */
export function digest(o: WorkerOutcome): string {
  const r = o.result;
  if (!r) return o.finalMessage.slice(0, 4_000);
  const lines = [`Summary: ${r.summary}`];
  for (const f of r.findings)
    lines.push(
      `- [${f.severity}] ${f.title}${f.location ? ` (${f.location})` : ""}${f.recommendation ? ` → ${f.recommendation}` : ""}`,
    );
  for (const c of r.proposed_changes)
    lines.push(`- change ${c.file}: ${c.change}${c.risk ? ` (risk: ${c.risk})` : ""}`);
  return lines.join("\n");
}

/** Assembles the result every pattern returns from the workers that ran and the synthesis. */
export function buildResult(
  ctx: RunContext,
  pattern: PatternName,
  contributors: WorkerOutcome[],
  synthesis: Synthesis,
  extra: Partial<RunResult> = {},
): RunResult {
  const ok = completed(contributors);
  return {
    pattern,
    summary: synthesis.result,
    nextStep: synthesis.next_step,
    findings: mergeFindings(ok.map((o) => ({ from: o.label, findings: o.result!.findings }))),
    proposedChanges: ok.flatMap((o) => o.result!.proposed_changes.map((c) => ({ ...c, from: o.label }))),
    tests: [...new Set(ok.flatMap((o) => o.result!.tests))],
    openQuestions: [...new Set(ok.flatMap((o) => o.result!.open_questions.map((q) => q.question)))],
    failedWorkers: ctx.outcomes
      .filter((o) => !o.ok)
      .map((o) => ({ agentId: o.agentId, label: o.label, endReason: o.endReason, error: o.error })),
    warnings: [],
    ...extra,
  };
}
