import { BUILTIN_ROLES } from "../parse/names.ts";
import { isClosed } from "./agent-flow.ts";
import { type AutoFailRule, at, fail, pass } from "./check-types.ts";
import { inlineRoleText } from "./checks-pattern.ts";
import { agentTypeOf } from "./checks-structural.ts";
import { frontmatterProblems } from "./frontmatter-rules.ts";

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
    title: "Claude tool call, Task: block or prose subagent_type left",
    run: (ctx) => {
      const hits = ctx.constructs.filter((c) => c.kind !== "substitution");
      return hits.length === 0
        ? pass("no Claude tool call (any form), Task: block or prose subagent_type")
        : fail(
            `Claude constructs are still in the package: ${[...new Set(hits.map((h) => h.construct))].join(", ")}`,
            hits.map((h) => `${h.file}:${h.line} ${h.construct}`),
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
    id: "role-invalid",
    title: "a role TOML Codex would skip",
    run: (ctx) => {
      const broken = ctx.pkg.roles.filter((r) => r.source === "toml" && r.error);
      return broken.length === 0
        ? pass("every agents/*.toml parses and holds name, description, developer_instructions")
        : fail(
            broken.map((r) => r.error!).join("; "),
            broken.map((r) => `${r.file}:${r.line}`),
          );
    },
  },
  {
    id: "unknown-role",
    title: "a spawn names a role that does not exist",
    run: (ctx) => {
      const unknown = ctx.spawns.filter((s) => {
        const type = agentTypeOf(s);
        return type !== undefined && !ctx.knownRoles.has(type);
      });
      return unknown.length === 0
        ? pass("every agent_type is a role of the package, a registered existing role or a Codex built-in")
        : fail(
            `agent_type ${[...new Set(unknown.map((s) => agentTypeOf(s)))].join(", ")}: no such role in the package and no Codex built-in (${BUILTIN_ROLES.join(", ")})`,
            unknown.map(at),
          );
    },
  },
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
