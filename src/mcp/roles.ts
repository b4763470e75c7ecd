import { existsSync, readdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { basename, join } from "node:path";
import { parse as parseToml } from "smol-toml";
import { z } from "zod";
import { SandboxModeSchema } from "../backends/sandbox.ts";
import type { SandboxMode } from "../backends/types.ts";
import { BatonError } from "../errors.ts";
import { describeIssues } from "../util/zod-issues.ts";
import { readClaudeAgent } from "./claude-roles.ts";

/**
 * Roles an agent can be spawned as (`agent_type`): Codex custom agents (`<project>/.codex/agents/*.toml`,
 * `$CODEX_HOME/agents/*.toml`), Codex's built-in types, and — for the claude backend — Claude Code
 * subagents (`<project>/.claude/agents/*.md`, `~/.claude/agents/*.md`). Project files win, as in both CLIs.
 */

export type RoleSource = "builtin" | "codex-project" | "codex-user" | "claude-project" | "claude-user";

export interface AgentRole {
  name: string;
  source: RoleSource;
  file?: string;
  description?: string;
  instructions?: string;
  model?: string;
  reasoningEffort?: string;
  sandbox?: SandboxMode;
}

/** Codex's own type "default" means: no custom role. */
export const DEFAULT_AGENT_TYPE = "default";

/** Codex's built-in agent types, as baton runs them (their wording is baton's). */
export const BUILTIN_ROLES: readonly AgentRole[] = [
  { name: DEFAULT_AGENT_TYPE, source: "builtin", description: "No role: the worker as configured." },
  {
    name: "explorer",
    source: "builtin",
    sandbox: "read-only",
    description:
      "Read-only investigation of a codebase: answers a specific question with file:line evidence.",
    instructions:
      "You are an explorer. Investigate the code to answer the question you were given. Do not change " +
      "any file. Answer briefly and cite file:line for every claim.",
  },
  {
    name: "worker",
    source: "builtin",
    sandbox: "workspace-write",
    description: "Does the task: edits files in its working directory and reports what it changed.",
    instructions:
      "You are a worker. Carry out the task you were given, changing files as needed, and finish with a " +
      "short list of what you changed and how you checked it.",
  },
];

const roleFileSchema = z.looseObject({
  name: z.string().min(1).optional(),
  description: z.string().optional(),
  developer_instructions: z.string().optional(),
  model: z.string().min(1).optional(),
  model_reasoning_effort: z.string().min(1).optional(),
  sandbox_mode: SandboxModeSchema.optional(),
});

export interface RoleHomes {
  /** `$CODEX_HOME`; default $CODEX_HOME or ~/.codex. */
  codexHome?: string;
  /** Where user-level Claude Code agents live (`<dir>/agents`); default ~/.claude. */
  claudeHome?: string;
  /** Claude Code subagents are offered only to the claude backend. */
  claude?: boolean;
}

interface RoleDir {
  dir: string;
  source: RoleSource;
}

/** The folders searched, project first. */
export function roleDirs(cwd: string, homes: RoleHomes = {}): RoleDir[] {
  const dirs: RoleDir[] = [
    { dir: join(cwd, ".codex", "agents"), source: "codex-project" },
    { dir: join(homes.codexHome ?? defaultCodexHome(), "agents"), source: "codex-user" },
  ];
  if (homes.claude) {
    dirs.push(
      { dir: join(cwd, ".claude", "agents"), source: "claude-project" },
      { dir: join(homes.claudeHome ?? join(homedir(), ".claude"), "agents"), source: "claude-user" },
    );
  }
  return dirs;
}

export function defaultCodexHome(): string {
  return process.env.CODEX_HOME || join(homedir(), ".codex");
}

function readCodexRole(file: string, source: RoleSource): AgentRole {
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
    const problems = describeIssues(parsed.error, { top: "(top level)", max: Infinity });
    throw new BatonError("E_CONFIG", `agent role ${file} is not valid: ${problems}`, { file });
  }
  const role = parsed.data;
  return {
    name: role.name ?? basename(file, ".toml"),
    source,
    file,
    description: role.description,
    instructions: role.developer_instructions,
    model: role.model,
    reasoningEffort: role.model_reasoning_effort,
    sandbox: role.sandbox_mode,
  };
}

const isClaude = (source: RoleSource) => source.startsWith("claude");
const extensionOf = (source: RoleSource) => (isClaude(source) ? ".md" : ".toml");

function readRole(file: string, source: RoleSource): AgentRole {
  return isClaude(source) ? { ...readClaudeAgent(file), source } : readCodexRole(file, source);
}

function roleFiles({ dir, source }: RoleDir): Array<{ file: string; source: RoleSource }> {
  if (!existsSync(dir)) return [];
  try {
    return readdirSync(dir)
      .filter((name) => name.endsWith(extensionOf(source)))
      .sort()
      .map((name) => ({ file: join(dir, name), source }));
  } catch {
    return [];
  }
}

/** Every role found, built-ins first, each name once (the first found wins); broken files in `problems`. */
export function discoverRoles(dirs: RoleDir[]): { roles: AgentRole[]; problems: string[] } {
  const roles = new Map(BUILTIN_ROLES.map((role) => [role.name, role]));
  const problems: string[] = [];
  for (const { file, source } of dirs.flatMap(roleFiles)) {
    try {
      const role = readRole(file, source);
      if (!roles.has(role.name) || roles.get(role.name)!.source === "builtin") roles.set(role.name, role);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  return { roles: [...roles.values()], problems };
}

/** Every role name found (file name and `name` field), for error messages. */
export function listRoles(dirs: RoleDir[]): string[] {
  const names = new Set<string>();
  for (const { file, source } of dirs.flatMap(roleFiles)) {
    names.add(basename(file, extensionOf(source)));
    try {
      names.add(readRole(file, source).name);
    } catch {
      // a broken file still shows under its file name
    }
  }
  return [...names].sort();
}

/**
 * Finds role `name`: first `<dir>/<name>.toml|.md`, else a file whose `name` field matches, in `dirs`
 * order, else a built-in.
 * @example findRole("reviewer", roleDirs(process.cwd())).instructions
 */
export function findRole(name: string, dirs: RoleDir[]): AgentRole {
  for (const entry of dirs) {
    const file = join(entry.dir, `${name}${extensionOf(entry.source)}`);
    if (existsSync(file)) return readRole(file, entry.source);
  }
  for (const { file, source } of dirs.flatMap(roleFiles)) {
    try {
      const role = readRole(file, source);
      if (role.name === name) return role;
    } catch {
      // reported when asked for by its file name
    }
  }
  const builtin = BUILTIN_ROLES.find((role) => role.name === name);
  if (builtin) return builtin;
  const found = listRoles(dirs);
  const builtins = BUILTIN_ROLES.map((role) => role.name).join(", ");
  throw new BatonError(
    "E_NOT_FOUND",
    `unknown agent_type "${name}": no ${name}.toml in ${dirs.map((d) => d.dir).join(" or ")}. ` +
      (found.length > 0 ? `Found: ${found.join(", ")}; built-in: ${builtins}.` : `Built-in: ${builtins}.`) +
      " list_roles lists them all.",
  );
}
