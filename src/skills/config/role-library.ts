import type { AgentConfig } from "./schema.ts";

/** Roles a text description can ask for, recognised by keywords. */
export interface RoleTemplate {
  keywords: RegExp;
  agent: Omit<AgentConfig, "existing" | "instructions" | "always" | "never"> & {
    always?: string[];
    never?: string[];
  };
}

const role = (
  keywords: RegExp,
  name: string,
  title: string,
  responsibility: string,
  capabilities: string[],
  sandboxMode?: AgentConfig["sandboxMode"],
): RoleTemplate => ({
  keywords,
  agent: {
    name,
    role: title,
    responsibility,
    capabilities,
    steps: [],
    ...(sandboxMode ? { sandboxMode } : {}),
  },
});

export const ROLE_LIBRARY: RoleTemplate[] = [
  role(
    /\b(explor|research|investigat|analy[sz]|understand|map)\w*/i,
    "researcher",
    "Codebase researcher",
    "Map the code, facts and constraints the task depends on",
    [
      "Locating the relevant files, symbols and call paths",
      "Summarising constraints with file:line evidence",
    ],
    "read-only",
  ),
  role(
    /\b(plan|design|architect|break ?down|decompos)\w*/i,
    "planner",
    "Technical planner",
    "Turn the request into an ordered plan of small, verifiable steps",
    ["Breaking work into independent steps with owners", "Naming risks and the checks that catch them"],
    "read-only",
  ),
  role(
    /\b(implement|build|fix|refactor|migrat|develop)\w*|\bwrite code/i,
    "implementer",
    "Implementation engineer",
    "Make the code changes the plan assigns, with tests",
    ["Small, reviewable edits inside an assigned write scope", "Adding or updating tests for every change"],
    "workspace-write",
  ),
  role(
    /\bsecur\w*|\bvulnerab\w*|\bauth\w*/i,
    "security-reviewer",
    "Security reviewer",
    "Find injection, authorization, secret-handling and unsafe-input problems",
    ["Tracing untrusted input to sinks", "Checking authorization on every changed path"],
    "read-only",
  ),
  role(
    /\b(review|audit|critique|inspect)\w*/i,
    "reviewer",
    "Code reviewer",
    "Find correctness, design and maintainability problems in the change",
    ["Spotting logic errors and missed edge cases", "Judging API and naming clarity"],
    "read-only",
  ),
  role(
    /\b(test|verif|validat|qa)\w*/i,
    "tester",
    "Test engineer",
    "Verify behaviour with tests and report what fails and why",
    ["Designing cases for edge conditions", "Running the test suite and reading failures"],
    "workspace-write",
  ),
  role(
    /\b(perf|performance|latency|optimi[sz])\w*/i,
    "performance-analyst",
    "Performance analyst",
    "Find hot paths, needless work and scaling risks",
    ["Reading profiles and complexity", "Proposing measured optimisations"],
    "read-only",
  ),
  role(
    /\b(doc|documentation|readme|explain)\w*/i,
    "documenter",
    "Technical writer",
    "Write or update documentation that matches the code",
    ["Explaining behaviour with runnable examples", "Keeping docs in step with the code"],
    "workspace-write",
  ),
  role(
    /\b(debug|diagnos|root cause|triage|bug)\w*/i,
    "debugger",
    "Debugger",
    "Find the root cause of the failure and the smallest fix",
    ["Reproducing failures", "Bisecting to the causing change"],
    "read-only",
  ),
  role(
    /\b(synthes|consolidat|merge the|summari[sz])\w*/i,
    "synthesizer",
    "Synthesizer",
    "Merge the other agents' outputs into one prioritized result",
    ["Deduplicating findings", "Ranking by impact"],
    "read-only",
  ),
];

/** Used when a description names no recognisable role, and to fill up to a requested agent count. */
export const FALLBACK_ROLES: RoleTemplate[] = [
  role(
    /$^/,
    "analyst",
    "Analyst",
    "Study the request and the code it concerns; report findings with evidence",
    ["Reading code and documents quickly", "Separating facts from assumptions"],
    "read-only",
  ),
  role(
    /$^/,
    "executor",
    "Executor",
    "Carry out the work the analysis calls for and verify it",
    ["Making focused changes", "Checking results against the deliverables"],
    "workspace-write",
  ),
  role(
    /$^/,
    "verifier",
    "Verifier",
    "Check the executor's result independently and list remaining problems",
    ["Independent re-checking", "Clear pass/fail reporting"],
    "read-only",
  ),
  role(
    /$^/,
    "synthesizer",
    "Synthesizer",
    "Merge the other agents' outputs into one prioritized result",
    ["Deduplicating findings", "Ranking by impact"],
    "read-only",
  ),
];
