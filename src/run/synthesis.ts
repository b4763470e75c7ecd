import type { RunContext, WorkerOutcome } from "./context.ts";
import { renderContextPack } from "./context-pack.ts";
import { WORKER_PREAMBLE } from "./prompts.ts";
import type { MergedFinding } from "./result.ts";
import { SYNTHESIS_JSON_SCHEMA, type Synthesis, SynthesisSchema } from "./result.ts";

export interface SynthesisInput {
  /** What the synthesis is for, e.g. "a decision-ready research brief". */
  goal: string;
  findings?: MergedFinding[];
  /** Labelled summaries of worker outputs (options, sections, verification). */
  notes?: Array<{ label: string; text: string }>;
}

/** Runs the synthesis agent; if it fails, a plain synthesis is made from the material so nothing is lost. */
export async function synthesize(
  ctx: RunContext,
  input: SynthesisInput,
): Promise<{ synthesis: Synthesis; outcome: WorkerOutcome }> {
  const findings = (input.findings ?? [])
    .slice(0, 30)
    .map(
      (f, i) =>
        `${i + 1}. [${f.severity}] ${f.title}${f.location ? ` (${f.location})` : ""} — reported by ${f.reportedBy.join(", ")}${f.recommendation ? `; fix: ${f.recommendation}` : ""}`,
    );
  const notes = (input.notes ?? []).map((n) => `### ${n.label}\n${n.text}`);
  const prompt = [
    WORKER_PREAMBLE,
    `TASK: Synthesise ${input.goal} for: ${ctx.task}`,
    "SCOPE: read-only",
    renderContextPack(ctx.context).trimEnd(),
    findings.length ? `MERGED FINDINGS (deduplicated, ranked):\n${findings.join("\n")}` : "",
    notes.length ? `WORKER RESULTS:\n${notes.join("\n\n")}` : "",
    "OUTPUT: JSON with `result` (one clear, curated result — do not forward raw worker output), `next_step` (one recommended next step), `selected` (the label of the chosen option for an options sprint, else empty).",
  ]
    .filter(Boolean)
    .join("\n");
  const outcome = await ctx.worker({
    role: "synthesis",
    label: "synthesis",
    prompt,
    schema: SYNTHESIS_JSON_SCHEMA,
  });
  if (outcome.ok) {
    try {
      const parsed = SynthesisSchema.safeParse(JSON.parse(outcome.finalMessage));
      if (parsed.success) return { synthesis: parsed.data, outcome };
    } catch {
      // not JSON: use the text as the result below
    }
    if (outcome.finalMessage.trim()) {
      return { synthesis: { result: outcome.finalMessage.trim(), next_step: "", selected: "" }, outcome };
    }
  }
  const top = input.findings?.[0];
  return {
    synthesis: {
      result: top
        ? `Top finding: ${top.title}`
        : (input.notes?.[0]?.text ?? "No result could be synthesised."),
      next_step: top?.recommendation ?? "",
      selected: input.notes?.[0]?.label ?? "",
    },
    outcome,
  };
}
