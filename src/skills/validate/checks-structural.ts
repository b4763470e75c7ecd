import { findSections, parseTable, subsections } from "../parse/markdown.ts";
import { at, type Check, type CheckContext, fail, listed, pass } from "./check-types.ts";

function skillSection(ctx: CheckContext, pattern: RegExp) {
  return ctx.pkg.skill ? findSections(ctx.pkg.skill.md, pattern)[0] : undefined;
}

/** Structural checks (30 points). */
export const STRUCTURAL_CHECKS: Check[] = [
  {
    id: "orchestrator",
    category: "structural",
    points: 5,
    title: "SKILL.md orchestrator exists",
    run: (ctx) => {
      if (ctx.pkg.skill) return pass(`SKILL.md found (${ctx.pkg.skill.md.lines.length} lines)`);
      const legacy = ctx.pkg.files.find((f) => /^(orchestrator|prompt)\.md$/i.test(f));
      return fail(
        legacy
          ? `no SKILL.md; ${legacy} is there but Codex only loads a file named SKILL.md — rename it`
          : "no SKILL.md at the package root; Codex loads a skill only from SKILL.md",
      );
    },
  },
  {
    id: "frontmatter",
    category: "structural",
    points: 3,
    title: "frontmatter has name and description",
    run: (ctx) => {
      const fm = ctx.pkg.skill?.frontmatter;
      if (!ctx.pkg.skill) return fail("no SKILL.md");
      if (!fm?.present) return fail(ctx.pkg.skill.frontmatterError ?? "SKILL.md has no --- frontmatter ---");
      const missing = ["name", "description"].filter(
        (k) => typeof fm.data[k] !== "string" || fm.data[k] === "",
      );
      return missing.length === 0
        ? pass("name and description present")
        : fail(`frontmatter lacks ${missing.join(" and ")}`, ["SKILL.md:1"]);
    },
  },
  {
    id: "architecture",
    category: "structural",
    points: 3,
    title: "architecture diagram of the spawn/wait/close flow",
    run: (ctx) => {
      const section = skillSection(ctx, /architecture/i);
      if (!section) return fail("no Architecture section in SKILL.md");
      const diagram = section.codeBlocks.find(
        (b) => (ctx.spawns.length === 0 || /spawn/i.test(b.text)) && /[→↓▼│|>-]/.test(b.text),
      );
      return diagram
        ? pass(`diagram at SKILL.md:${diagram.startLine}`)
        : fail(
            "the Architecture section has no diagram (a code block showing the spawn → wait → close flow)",
            [`SKILL.md:${section.startLine}`],
          );
    },
  },
  {
    id: "agent-registry",
    category: "structural",
    points: 4,
    title: "agent registry table covers every spawned role",
    run: (ctx) => {
      if (!ctx.pkg.registry) return fail("no Agent Registry section in SKILL.md");
      if (ctx.pkg.registry.length === 0 && ctx.spawns.length > 0) {
        return fail("the Agent Registry has no table rows", [
          `SKILL.md:${ctx.pkg.registrySection?.startLine}`,
        ]);
      }
      const registered = new Set(ctx.pkg.registry.map((r) => r.agent));
      const missing = ctx.spawns
        .map((s) => ({ s, type: agentTypeOf(s) }))
        .filter(({ type }) => type !== undefined && type !== "default" && !registered.has(type));
      return missing.length === 0
        ? pass(`${ctx.pkg.registry.length} agent(s) registered`)
        : fail(
            `spawned agent types not in the registry: ${listed([...new Set(missing.map((m) => m.type!))])}`,
            missing.map((m) => at(m.s)),
          );
    },
  },
  {
    id: "phase-execution",
    category: "structural",
    points: 5,
    title: "a code block for every phase",
    run: (ctx) => {
      const section = skillSection(ctx, /phase execution|execution flow|workflow|execution phases|^phases$/i);
      if (!section || !ctx.pkg.skill) return fail("no Phase Execution section in SKILL.md");
      const phases = subsections(ctx.pkg.skill.md, section);
      if (phases.length === 0) {
        return section.codeBlocks.length > 0
          ? pass("Phase Execution has code blocks")
          : fail("Phase Execution has neither phase subsections nor code blocks", [
              `SKILL.md:${section.startLine}`,
            ]);
      }
      const empty = phases.filter(
        (p) => p.codeBlocks.length === 0 && !referencedPhaseFileHasCode(ctx, p.text),
      );
      return empty.length === 0
        ? pass(`${phases.length} phase(s), each with an execution block`)
        : fail(
            `phases without an execution block: ${listed(empty.map((p) => p.heading.text))}`,
            empty.map((p) => `SKILL.md:${p.startLine}`),
          );
    },
  },
  {
    id: "lifecycle",
    category: "structural",
    points: 5,
    title: "lifecycle management: timeouts and cleanup",
    run: (ctx) => {
      const section = skillSection(ctx, /lifecycle/i);
      if (!section) return fail("no Lifecycle Management section in SKILL.md");
      const rows = parseTable(section.text);
      const timeouts = rows.length > 1 && /timeout/i.test((rows[0] ?? []).join(" "));
      const cleanup = /close_agent/.test(section.text);
      if (timeouts && cleanup) return pass("timeouts table and close_agent cleanup present");
      const missing = [
        timeouts ? "" : "a timeouts table (a column named timeout)",
        cleanup ? "" : "a close_agent cleanup",
      ];
      return fail(`Lifecycle Management lacks ${missing.filter(Boolean).join(" and ")}`, [
        `SKILL.md:${section.startLine}`,
      ]);
    },
  },
  {
    id: "agent-files",
    category: "structural",
    points: 5,
    title: "a complete role for every new agent",
    run: (ctx) => {
      const problems: string[] = [];
      const locations: string[] = [];
      for (const role of ctx.pkg.roles) {
        if (role.error) {
          problems.push(role.error);
          locations.push(`${role.file}:${role.line}`);
        }
      }
      for (const row of ctx.pkg.registry ?? []) {
        if (/exist|built/.test(row.status)) continue;
        if (!ctx.pkg.roles.some((r) => r.name === row.agent)) {
          problems.push(
            `registry agent "${row.agent}" has no role (expected ${row.roleFile || `agents/${row.agent}.toml`})`,
          );
          locations.push(`SKILL.md:${row.line}`);
        }
      }
      for (const role of ctx.pkg.roles.filter((r) => r.source === "toml")) {
        if (ctx.pkg.registry && !ctx.pkg.registry.some((r) => r.agent === role.name)) {
          problems.push(`${role.file} is not listed in the Agent Registry`);
          locations.push(role.file);
        }
      }
      return problems.length === 0
        ? pass(`${ctx.pkg.roles.length} role(s), all loadable and registered`)
        : fail(listed(problems, 3), locations);
    },
  },
];

export function agentTypeOf(call: {
  entries?: Array<{ key: string; value: string }> | undefined;
}): string | undefined {
  const value = call.entries?.find((e) => e.key === "agent_type")?.value.trim();
  const literal = value?.match(/^["'`]([^"'`$]+)["'`]$/);
  return literal ? literal[1] : value;
}

function referencedPhaseFileHasCode(ctx: CheckContext, text: string): boolean {
  const ref = text.match(/phases\/[\w.-]+\.md/)?.[0];
  const doc = ref ? ctx.pkg.docs.find((d) => d.file === ref) : undefined;
  return (doc?.md.codeBlocks.length ?? 0) > 0;
}
