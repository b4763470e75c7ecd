import { FALLBACK_ROLES, ROLE_LIBRARY, type RoleTemplate } from "./role-library.ts";
import type { AgentConfig, SkillConfigInput } from "./schema.ts";

const NUMBER_WORDS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6 };

/** "a 3-agent review", "three agents", "with 4 reviewers" → 3 / 3 / 4 (capped at 6, Codex's thread limit). */
export function requestedAgentCount(text: string): number | undefined {
  const match = text.match(
    /\b(\d+|one|two|three|four|five|six)[\s-]+(?:parallel\s+)?(?:agents?|reviewers?|workers?|roles?)\b/i,
  );
  if (!match?.[1]) return undefined;
  const n = NUMBER_WORDS[match[1].toLowerCase()] ?? Number(match[1]);
  return Math.min(Math.max(n, 1), 6);
}

function pickRoles(text: string): RoleTemplate[] {
  // Roles in the order the text names them.
  const picked = ROLE_LIBRARY.filter((r) => r.keywords.test(text)).sort(
    (a, b) => text.search(a.keywords) - text.search(b.keywords),
  );
  // "security review" should give a security reviewer, not also a generic one.
  if (
    picked.some((r) => r.agent.name === "security-reviewer") &&
    !/\bcode review|\bgeneral review/i.test(text)
  ) {
    return picked.filter((r) => r.agent.name !== "reviewer");
  }
  return picked;
}

/**
 * Derives a skill config from a plain description, deterministically (no model): roles from keywords,
 * agent count from "N agents", interaction models from words like "parallel", "clarify", "then".
 * @example configFromText("code-review", "A 3-agent code review skill with security and tests")
 */
export function configFromText(
  name: string,
  text: string,
  outputMode: "structured" | "single",
): SkillConfigInput {
  const description = text.trim().replace(/\s+/g, " ");
  const count = requestedAgentCount(description);
  let roles = pickRoles(description);
  for (const fallback of FALLBACK_ROLES) {
    if (roles.length >= Math.max(count ?? 2, 1)) break;
    if (!roles.some((r) => r.agent.name === fallback.agent.name)) roles.push(fallback);
  }
  if (count !== undefined && roles.length > count) {
    // Too many matches: the broad roles go first, the specific ones the text asked for stay.
    const broad = ["reviewer", "researcher", "planner"];
    for (const name of broad) {
      if (roles.length > count && roles.some((r) => r.agent.name === name))
        roles = roles.filter((r) => r.agent.name !== name);
    }
    roles = roles.slice(0, count);
  }
  const agents: AgentConfig[] = roles.map((r) => ({
    ...r.agent,
    existing: false,
    always: r.agent.always ?? [],
    never: r.agent.never ?? [],
  }));
  const parallel = /\bparallel|concurrent|at the same time|fan[- ]?out\b/i.test(description);
  const clarify = /\bclarif|question|ambigu/i.test(description);
  const iterative = /\biterat|multi-round|refine|follow[- ]up\b/i.test(description);
  const [first, ...rest] = agents;
  const phases: NonNullable<SkillConfigInput["phases"]> = [];
  const goal = sentence(description);
  if (parallel && agents.length > 1) {
    const workers = agents.filter((a) => a.name !== "synthesizer");
    phases.push(
      phase(
        "Parallel work",
        `Work on the request from each role's angle at once: ${goal}`,
        workers.map((a) => a.name),
        "parallel-fanout",
      ),
    );
    if (workers.length < agents.length)
      phases.push(
        phase(
          "Synthesis",
          "Merge the parallel results into one prioritized answer",
          ["synthesizer"],
          "standard",
        ),
      );
  } else {
    phases.push(
      phase(
        "Analysis",
        `Understand what is needed for: ${goal}`,
        [first!.name],
        clarify ? "two-phase" : iterative ? "deep-interaction" : "standard",
      ),
    );
    if (rest.length === 1)
      phases.push(phase("Execution", `Deliver the request: ${goal}`, [rest[0]!.name], "standard"));
    else if (rest.length > 1)
      phases.push(
        phase(
          "Execution",
          `Deliver the request: ${goal}`,
          rest.map((a) => a.name),
          "pipeline",
        ),
      );
  }
  return {
    name,
    description: describe(description),
    outputMode,
    agents,
    phases,
    parallelSplits: [],
    conversionSource: { type: "text" },
  };
}

function phase(name: string, goal: string, agents: string[], interaction: string) {
  return {
    name,
    goal,
    agents,
    interaction,
    deliverables: ["Findings or changes with file:line evidence", "Open questions, if any"],
  } as NonNullable<SkillConfigInput["phases"]>[number];
}

function sentence(text: string): string {
  const clean = text.replace(/[<>]/g, "").replace(/\.$/, "");
  return clean.length > 300 ? `${clean.slice(0, 297)}...` : clean;
}

/** A description must say what and when; add the "when" if the text has none. */
function describe(text: string): string {
  const clean = text.replace(/[<>]/g, "").slice(0, 900);
  return /\buse (it )?when\b/i.test(clean)
    ? clean
    : `${clean.replace(/\.?$/, ".")} Use when the user asks for this workflow.`;
}
