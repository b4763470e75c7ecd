import { existsSync, readdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { basename, join } from "node:path";
import { parse as parseToml } from "smol-toml";
import { z } from "zod";
import type { SandboxMode } from "../backends/types.ts";
import { BatonError } from "../errors.ts";

/**
 * Codex custom agents ("roles"): `<project>/.codex/agents/<name>.toml` or `$CODEX_HOME/agents/<name>.toml`,
 * spawned by `agent_type`. baton reads the fields a worker turn can carry; the rest stays Codex's.
 */

const roleFileSchema = z.looseObject({
  name: z.string().min(1).optional(),
  description: z.string().optional(),
  developer_instructions: z.string().optional(),
  model: z.string().min(1).optional(),
  sandbox_mode: z.enum(["read-only", "workspace-write", "danger-full-access"]).optional(),
});

export interface AgentRole {
  name: string;
  file: string;
  description?: string;
  instructions?: string;
  model?: string;
  sandbox?: SandboxMode;
}

/** Codex's own type "default" means: no custom role. */
export const DEFAULT_AGENT_TYPE = "default";

/** The folders searched, project first (it wins, as in Codex). */
export function roleDirs(cwd: string, codexHome = defaultCodexHome()): string[] {
  return [join(cwd, ".codex", "agents"), join(codexHome, "agents")];
}

export function defaultCodexHome(): string {
  return process.env.CODEX_HOME || join(homedir(), ".codex");
}

function readRole(file: string): AgentRole {
  let value: unknown;
  try {
    value = parseToml(readFileSync(file, "utf8"));
  } catch (error) {
    throw new BatonError("E_CONFIG", `agent role ${file} is not valid TOML: ${(error as Error).message}`, {
      file,
      cause: error,
    });
  }
  const parsed = roleFileSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(top level)"}: ${i.message}`);
    throw new BatonError("E_CONFIG", `agent role ${file} is not valid: ${problems.join("; ")}`, { file });
  }
  const role = parsed.data;
  return {
    name: role.name ?? basename(file, ".toml"),
    file,
    description: role.description,
    instructions: role.developer_instructions,
    model: role.model,
    sandbox: role.sandbox_mode,
  };
}

function tomlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  try {
    return readdirSync(dir)
      .filter((name) => name.endsWith(".toml"))
      .sort()
      .map((name) => join(dir, name));
  } catch {
    return [];
  }
}

/** Every role name found (file name and `name` field), for error messages and docs. */
export function listRoles(dirs: string[]): string[] {
  const names = new Set<string>();
  for (const file of dirs.flatMap(tomlFiles)) {
    names.add(basename(file, ".toml"));
    try {
      names.add(readRole(file).name);
    } catch {
      // a broken file still shows under its file name
    }
  }
  return [...names].sort();
}

/**
 * Finds role `name`: first `<dir>/<name>.toml`, else a file whose `name` field matches, in `dirs` order.
 * @example findRole("reviewer", roleDirs(process.cwd())).instructions
 */
export function findRole(name: string, dirs: string[]): AgentRole {
  for (const dir of dirs) {
    const file = join(dir, `${name}.toml`);
    if (existsSync(file)) return readRole(file);
  }
  for (const file of dirs.flatMap(tomlFiles)) {
    try {
      const role = readRole(file);
      if (role.name === name) return role;
    } catch {
      // reported when asked for by its file name
    }
  }
  const found = listRoles(dirs);
  throw new BatonError(
    "E_NOT_FOUND",
    `unknown agent_type "${name}": no ${name}.toml in ${dirs.join(" or ")}. ` +
      (found.length > 0
        ? `Found: ${found.join(", ")} (and "${DEFAULT_AGENT_TYPE}" for no role).`
        : `No agent roles were found; omit agent_type or use "${DEFAULT_AGENT_TYPE}".`),
  );
}
