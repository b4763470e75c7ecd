import { isClosed } from "./agent-flow.ts";
import { type AutoFailRule, at, fail, pass } from "./check-types.ts";
import { inlineRoleText } from "./checks-pattern.ts";
import { frontmatterProblems } from "./frontmatter-rules.ts";

const TASK_LEFT = /Task\(|Agent\(|TaskOutput\(/;

/** Rules that fail the package whatever its score. */
export const AUTO_FAIL_RULES: AutoFailRule[] = [
  {
    id: "no-orchestrator",
    title: "no SKILL.md orchestrator",
    run: (ctx) =>
      ctx.pkg.skill ? pass("SKILL.md present") : fail("the package has no SKILL.md; Codex cannot load it"),
  },
  {
    id: "task-left",
    title: "Claude Task()/TaskOutput() call left",
    run: (ctx) => {
      const hits = ctx.constructs.filter((c) => TASK_LEFT.test(c.construct));
      return hits.length === 0
        ? pass("no Task()/TaskOutput() call")
        : fail(
            "Claude Task()/Agent()/TaskOutput() calls are still in the package",
            hits.map((h) => `${h.file}:${h.line}`),
          );
    },
  },
  {
    id: "no-registry",
    title: "no agent registry",
    run: (ctx) =>
      ctx.pkg.registry ? pass("Agent Registry present") : fail("SKILL.md has no Agent Registry section"),
  },
  {
    id: "spawn-without-close",
    title: "spawn without close_agent",
    run: (ctx) => {
      const open = ctx.spawns.filter((s) => !isClosed(ctx, s));
      return open.length === 0
        ? pass("every spawn is closed")
        : fail("spawn_agent calls whose agent is never closed", open.map(at));
    },
  },
  { id: "inline-role", title: "role text pasted inline", run: (ctx) => inlineRoleText(ctx) },
  {
    id: "agent-skills-frontmatter",
    title: "SKILL.md frontmatter breaks the Agent Skills rules",
    run: (ctx) => {
      const problems = frontmatterProblems(ctx.pkg);
      return problems.length === 0
        ? pass("frontmatter follows the Agent Skills rules")
        : fail(
            problems.join("; "),
            problems.map((p) => p.split(" ")[0]!),
          );
    },
  },
];
