import { type ContextPack, renderContextPack } from "./context-pack.ts";

/** The seed's worker preamble, prepended to every worker prompt. */
export const WORKER_PREAMBLE = `CONTEXT: WORKER
ROLE: You are a sub-agent run by the ORCHESTRATOR. Do only the assigned task.
RULES: No extra scope, no other workers.
Your final output will be provided back to the ORCHESTRATOR.`;

const OUTPUT_CONTRACT = `FINAL ANSWER FORMAT: answer with JSON matching the given output schema:
summary (one sentence), findings (title, severity critical|high|medium|low|info, location, evidence,
recommendation), proposed_changes (file, change, risk), tests, open_questions (question, options, recommended).
If you cannot proceed without an answer, put your questions in open_questions (or start a line with
CLARIFICATION_NEEDED: Q1: … | Options: … | Recommended: …) and stop.`;

export type WorkerKind =
  | "reviewer"
  | "research"
  | "implementer"
  | "verifier"
  | "scout"
  | "options"
  | "section";

export interface WorkerPromptInput {
  kind: WorkerKind;
  task: string;
  /** What the worker may touch: "read-only", or e.g. "may edit src/a.ts". */
  scope: string;
  lens?: string;
  /** The slice a section worker owns, or the angle an options/research worker takes. */
  focus?: string;
  /** Condensed results of earlier steps (scout report, review list, …). */
  inputs?: string;
  context?: ContextPack;
}

const TEMPLATES: Record<
  WorkerKind,
  { task: (i: WorkerPromptInput) => string; do: string[]; output: string[]; dont: string[] }
> = {
  reviewer: {
    task: (i) => `Review the following and produce improvements: ${i.task}`,
    do: ["Inspect the artefact and note issues and opportunities.", "Prioritise what matters most."],
    output: [
      "Top findings (ranked, brief)",
      "Evidence (where you saw it)",
      "Recommended fixes (concise, actionable)",
    ],
    dont: ["Expand scope", "Make edits"],
  },
  research: {
    task: (i) => `Find and summarise reliable information on: ${i.task}`,
    do: ["Prefer primary sources, official docs, and high-quality references."],
    output: [
      "5 to 10 bullet synthesis (as findings)",
      "Key sources with short notes (as findings with location = source)",
      "Uncertainty or disagreements between sources",
    ],
    dont: ["Speculate beyond evidence"],
  },
  implementer: {
    task: (i) => `Produce: ${i.task}`,
    do: ["Follow the Context Pack if provided.", "Make changes proportionate to the request."],
    output: [
      "What you changed or produced",
      "Where it lives (paths, filenames)",
      "How to reproduce (commands, steps) if relevant",
      "Risks or follow-ups (brief)",
    ],
    dont: ["Drift into unrelated improvements"],
  },
  verifier: {
    task: (i) => `Verify the deliverable meets the Goal and Success check: ${i.task}`,
    do: [
      "Run checks (tests, builds, analyses, reference checks) if relevant.",
      "Look for obvious omissions and regressions.",
    ],
    output: [
      "Pass/fail summary (summary starts with PASS or FAIL)",
      "Issues with repro steps or concrete examples",
      "Suggested fixes (brief)",
    ],
    dont: ["Make edits"],
  },
  scout: {
    task: (i) => `Gather the minimum context needed for: ${i.task}`,
    do: [
      "Find where things are and their current state.",
      "Note constraints and risks that the implementer must know.",
    ],
    output: [
      "Key locations (as findings with location)",
      "Current state and constraints",
      "Suggested approach",
    ],
    dont: ["Make edits", "Solve the task itself"],
  },
  options: {
    task: (i) => `Propose one good alternative for: ${i.task}`,
    do: ["Develop the option fully enough to compare.", "State its trade-offs honestly."],
    output: [
      "The option in one sentence (summary)",
      "Strengths and weaknesses (as findings)",
      "What adopting it takes (proposed changes)",
    ],
    dont: ["Propose several options", "Make edits"],
  },
  section: {
    task: (i) => `Work on your own slice of: ${i.task}`,
    do: ["Handle only your slice; others own the rest.", "Keep terms and style consistent with the whole."],
    output: [
      "What you produced for your slice",
      "Issues found in it (findings)",
      "Dependencies on other slices (open questions)",
    ],
    dont: ["Touch other slices"],
  },
};

/** Builds a worker prompt: preamble, TASK, SCOPE, LENS/FOCUS, Context Pack, DO, OUTPUT, DO NOT. */
export function workerPrompt(input: WorkerPromptInput): string {
  const t = TEMPLATES[input.kind];
  const parts = [WORKER_PREAMBLE, `TASK: ${t.task(input)}`, `SCOPE: ${input.scope}`];
  if (input.lens) parts.push(`LENS: ${input.lens}`);
  if (input.focus) parts.push(`FOCUS: ${input.focus}`);
  const pack = renderContextPack(input.context);
  if (pack) parts.push(pack.trimEnd());
  if (input.inputs) parts.push(`INPUTS FROM EARLIER STEPS:\n${input.inputs}`);
  parts.push(`DO:\n${t.do.map((d) => `- ${d}`).join("\n")}`);
  parts.push(`OUTPUT:\n${t.output.map((d) => `- ${d}`).join("\n")}`);
  parts.push(`DO NOT:\n${t.dont.map((d) => `- ${d}`).join("\n")}`);
  parts.push(OUTPUT_CONTRACT);
  return parts.join("\n");
}
