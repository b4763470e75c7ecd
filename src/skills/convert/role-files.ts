import { relative } from "node:path";
import type { PackageFiles } from "../package/write.ts";
import { BUILTIN_ROLES } from "../parse/names.ts";
import { readTextSafe } from "../parse/safe-fs.ts";
import { renderRoleToml } from "../render/role.ts";
import { convertAgentMarkdown } from "./agent.ts";
import { reportMissed } from "./completeness.ts";
import { sourceFrontmatter } from "./read-source.ts";
import type { RoleRow } from "./sections.ts";
import { findAgentFile } from "./source.ts";
import type { ConversionState } from "./state.ts";

export const display = (path: string) => relative(process.cwd(), path) || ".";

/**
 * A role TOML for every role the skill names: converted from the Claude agent file when one is
 * found in `dirs`, a Codex built-in when the Claude type maps to one, otherwise generated from the
 * Task descriptions and reported as an unknown role (with where it was named).
 */
export async function addRoles(
  state: ConversionState,
  files: PackageFiles,
  rows: RoleRow[],
  dirs: string[],
  skill: string,
): Promise<void> {
  for (const [role, info] of state.roles) {
    if (rows.some((r) => r.name === role)) continue;
    if (BUILTIN_ROLES.includes(role)) {
      rows.push({
        name: role,
        file: "(built-in)",
        responsibility: `Codex built-in ${role} (Claude ${info.claudeType})`,
        status: "built-in",
      });
      continue;
    }
    const agentFile = await findAgentFile(info.claudeType, dirs);
    if (agentFile) {
      const shown = display(agentFile);
      const fm = sourceFrontmatter(await readTextSafe(agentFile), shown, state);
      const converted = convertAgentMarkdown(fm, shown, role, state);
      reportMissed(shown, fm.body, fm.bodyStartLine - 1, state);
      files.set(`agents/${role}.toml`, converted.toml.replace(/^name = ".*"$/m, `name = "${role}"`));
      rows.push({
        name: role,
        file: `agents/${role}.toml`,
        responsibility: roleSummary(converted.toml),
        status: "new",
      });
      continue;
    }
    const responsibility =
      info.descriptions.length > 0
        ? [...new Set(info.descriptions)].join("; ")
        : `Tasks the skill gave to Claude's ${info.claudeType}`;
    state.unconverted.push({
      ...info.where,
      construct: `unknown role "${info.claudeType}"`,
      text: info.claudeType,
      hint: `no ${info.claudeType}.md in ${dirs.map(display).join(", ") || "any agents directory"}; agents/${role}.toml was generated from the task descriptions — pass --agents-dir with the real agent file`,
    });
    files.set(
      `agents/${role}.toml`,
      renderRoleToml(
        {
          name: role,
          role: `Sub-agent converted from Claude's ${info.claudeType}`,
          responsibility,
          capabilities: [...new Set(info.descriptions)],
          steps: [],
          always: [],
          never: [],
          existing: false,
        },
        skill,
      ),
    );
    rows.push({ name: role, file: `agents/${role}.toml`, responsibility, status: "new" });
  }
}

function roleSummary(toml: string): string {
  return toml.match(/^description = "(.*)"$/m)?.[1]?.replace(/\\"/g, '"') ?? "converted Claude agent";
}

/** Agents of the source's agent directories that its prose names ("launch 2 code-explorer agents"). */
export function proseRoleNames(agentNames: string[], line: string): string[] {
  return agentNames.filter((name) =>
    new RegExp(
      `(?:^|[^\\w-])\`?${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\`?\\s+(?:sub-?)?agents?\\b`,
      "i",
    ).test(line),
  );
}
