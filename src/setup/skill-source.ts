import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseToml } from "smol-toml";

/** The baton orchestration skill as shipped in the package: `skills/baton-orchestration/`. */
export const SKILL_NAME = "baton-orchestration";
export const SKILL_SOURCE = fileURLToPath(new URL(`../../skills/${SKILL_NAME}`, import.meta.url));

export interface SkillFiles {
  /** Path relative to the skill directory → content (SKILL.md, agents/*.toml). */
  files: Map<string, string>;
  /** The roles (agents/<name>.toml), which baton's spawn_agent loads by agent_type. */
  roles: { name: string; content: string }[];
}

export function readSkill(dir = SKILL_SOURCE): SkillFiles {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.set(relative(dir, path), readFileSync(path, "utf8"));
    }
  };
  walk(dir);
  const roles = [...files]
    .filter(([path]) => path.startsWith("agents/") && path.endsWith(".toml"))
    .map(([, content]) => ({ name: String((parseToml(content) as { name: unknown }).name), content }));
  return { files, roles };
}
