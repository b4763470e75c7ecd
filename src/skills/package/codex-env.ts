import { readdir, readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parse as parseToml } from "smol-toml";
import { nameProblem } from "../parse/names.ts";

/** Skills codex 0.169.0 bundles under `$CODEX_HOME/skills/.system`; a skill of the same name is never injected. */
const BUNDLED_CODEX_SKILLS = ["imagegen", "openai-docs", "review-agent", "skill-creator", "skill-installer"];

export const codexHomeOf = (codexHome?: string) =>
  resolve(codexHome ?? process.env.CODEX_HOME ?? join(homedir(), ".codex"));

/** The bundled skill names: the known list plus whatever this codex installed under skills/.system. */
export async function bundledSkills(codexHome: string): Promise<string[]> {
  const installed = await readdir(join(codexHome, "skills", ".system")).catch(() => [] as string[]);
  return [...new Set([...BUNDLED_CODEX_SKILLS, ...installed.filter((n) => !n.startsWith("."))])];
}

/** A name close to `name` that is valid and clashes with nothing bundled. */
export function suggestName(name: string, taken: string[]): string {
  for (const suffix of ["custom", "local", "team"]) {
    const candidate = `${name}-${suffix}`.slice(0, 64);
    if (!nameProblem(candidate) && !taken.includes(candidate)) return candidate;
  }
  return `my-${name}`.slice(0, 64);
}

/**
 * True when the user's codex config trusts `root` (or a directory above it):
 * `[projects."<dir>"] trust_level = "trusted"` in `$CODEX_HOME/config.toml`. Codex loads a
 * project's `.codex/agents/*.toml` only then.
 */
export async function isTrustedProject(root: string, codexHome: string): Promise<boolean> {
  let projects: Record<string, { trust_level?: unknown }> = {};
  try {
    const config = parseToml(await readFile(join(codexHome, "config.toml"), "utf8")) as {
      projects?: Record<string, { trust_level?: unknown }>;
    };
    projects = config.projects ?? {};
  } catch {
    return false;
  }
  for (let dir = resolve(root); ; dir = dirname(dir)) {
    if (projects[dir]?.trust_level === "trusted") return true;
    if (dirname(dir) === dir) return false;
  }
}
