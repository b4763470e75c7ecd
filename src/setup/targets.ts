import { realpathSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseToml } from "smol-toml";
import { WAIT_MAX_MS } from "../mcp/schemas.ts";
import { which } from "../util/which.ts";
import { type FileChange, readText } from "./changes.ts";
import { removeMember, setMember } from "./json-member.ts";
import { readSkill, SKILL_NAME } from "./skill-source.ts";
import { removeTable, setTable, tableRegions } from "./toml-table.ts";

export type SetupScope = "user" | "project";
export type SetupTarget = "codex" | "claude";

export interface SetupContext {
  scope: SetupScope;
  /** The project for --scope project (default: the current directory). */
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface SetupPlan {
  target: SetupTarget;
  /** The file holding baton's MCP entry (its record is keyed by this path). */
  configPath: string;
  changes: FileChange[];
  notes: string[];
  /** Takes baton's entry out of a config edited since setup (uninstall). */
  removeOwnPart(path: string, current: string, before: string | null): string | undefined;
}

const MCP_PATH = ["mcp_servers", "baton"];
/** A wait blocks up to WAIT_MAX_MS; the client's per-call limit must be longer, with room for a busy machine. */
export const TOOL_TIMEOUT_SEC = Math.ceil(WAIT_MAX_MS / 1000) + 30;
export const STARTUP_TIMEOUT_SEC = 30;

/**
 * How an MCP client starts this baton: the `baton` on PATH when it is this very installation, else
 * this Node with this entry script (a clone, `npm run baton`), so the entry never depends on PATH order.
 */
export function batonCommand(env: NodeJS.ProcessEnv = process.env): { command: string; args: string[] } {
  const ext = import.meta.url.endsWith(".ts") ? "ts" : "js";
  const main = fileURLToPath(new URL(`../cli/main.${ext}`, import.meta.url));
  const onPath = which("baton", env.PATH ?? "");
  if (onPath && realpathSync(onPath) === realpathSync(main)) return { command: onPath, args: ["mcp"] };
  return { command: process.execPath, args: [main, "mcp"] };
}

/** Variables codex must pass to `baton mcp` (it starts MCP servers with a short allow-list). */
function codexEnvVars(config: unknown): string[] {
  const names = new Set(["CODEX_HOME", "CODEX_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL"]);
  for (const name of [
    "BATON_HOME",
    "BATON_CODEX_BIN",
    "BATON_CLAUDE_BIN",
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_BASE_URL",
  ])
    names.add(name);
  // The key variables of the user's own model providers, so workers reach the same models.
  const providers =
    (config as { model_providers?: Record<string, { env_key?: unknown }> }).model_providers ?? {};
  for (const provider of Object.values(providers))
    if (typeof provider?.env_key === "string") names.add(provider.env_key);
  return [...names];
}

const tomlString = (value: string) => JSON.stringify(value);
const tomlArray = (values: string[]) => `[${values.map(tomlString).join(", ")}]`;

function codexTable(env: NodeJS.ProcessEnv, config: unknown): string {
  const { command, args } = batonCommand(env);
  return [
    "[mcp_servers.baton]",
    "# Written by `baton setup codex`; `baton setup codex --uninstall` takes it out again.",
    `command = ${tomlString(command)}`,
    `args = ${tomlArray(args)}`,
    "required = true",
    `startup_timeout_sec = ${STARTUP_TIMEOUT_SEC}`,
    `tool_timeout_sec = ${TOOL_TIMEOUT_SEC}`,
    'default_tools_approval_mode = "approve"',
    `env_vars = ${tomlArray(codexEnvVars(config))}`,
    "",
  ].join("\n");
}

function codexBase(ctx: SetupContext): string {
  return ctx.scope === "user"
    ? resolve(ctx.env.CODEX_HOME || join(ctx.env.HOME ?? homedir(), ".codex"))
    : join(resolve(ctx.cwd), ".codex");
}

/** The skill under `<skills>/baton-orchestration/` and its roles where baton's spawn_agent finds them. */
function skillChanges(skillsDir: string, agentsDir: string): FileChange[] {
  const skill = readSkill();
  const changes: FileChange[] = [];
  const add = (path: string, content: string) =>
    changes.push({ path, before: readText(path), after: content, kind: "file" });
  for (const [rel, content] of skill.files) add(join(skillsDir, SKILL_NAME, rel), content);
  for (const role of skill.roles) add(join(agentsDir, `${role.name}.toml`), role.content);
  return changes;
}

export function codexPlan(ctx: SetupContext): SetupPlan {
  const base = codexBase(ctx);
  const configPath = join(base, "config.toml");
  const before = readText(configPath);
  const current = before ?? "";
  const parsed = current.trim() === "" ? {} : parseToml(current);
  const after = setTable(current, MCP_PATH, codexTable(ctx.env, parsed), configPath);
  const notes: string[] = [];
  if (ctx.scope === "project")
    notes.push(
      `codex reads ${configPath} and .codex/agents/ only in projects your codex config trusts ` +
        `([projects."${resolve(ctx.cwd)}"] trust_level = "trusted")`,
    );
  notes.push(
    "in codex, ask for the skill with $baton-orchestration (or let codex pick it from its description)",
  );
  return {
    target: "codex",
    configPath,
    changes: [
      { path: configPath, before, after, kind: "config" },
      ...skillChanges(join(base, "skills"), join(base, "agents")),
    ],
    notes,
    removeOwnPart(path, text, original) {
      if (path !== configPath) return undefined;
      let result = removeTable(text, MCP_PATH);
      // Put back a [mcp_servers.baton] the user had before setup replaced it.
      const old = original === null ? [] : tableRegions(original, MCP_PATH);
      if (old.length > 0)
        result = setTable(result, MCP_PATH, old.map((r) => original!.slice(r.start, r.end)).join(""), path);
      return result;
    },
  };
}

function claudeConfigDir(env: NodeJS.ProcessEnv): string {
  return resolve(env.CLAUDE_CONFIG_DIR || join(env.HOME ?? homedir(), ".claude"));
}

export function claudePlan(ctx: SetupContext): SetupPlan {
  const user = ctx.scope === "user";
  const configPath = user
    ? ctx.env.CLAUDE_CONFIG_DIR
      ? join(claudeConfigDir(ctx.env), ".claude.json")
      : join(resolve(ctx.env.HOME ?? homedir()), ".claude.json")
    : join(resolve(ctx.cwd), ".mcp.json");
  const skillsDir = user
    ? join(claudeConfigDir(ctx.env), "skills")
    : join(resolve(ctx.cwd), ".claude", "skills");
  // baton's spawn_agent loads roles from $CODEX_HOME/agents or <project>/.codex/agents.
  const agentsDir = user ? join(codexBase(ctx), "agents") : join(resolve(ctx.cwd), ".codex", "agents");
  const { command, args } = batonCommand(ctx.env);
  const before = readText(configPath);
  const after = setMember(
    before ?? undefined,
    ["mcpServers", "baton"],
    { type: "stdio", command, args, env: {} },
    configPath,
  );
  const notes = [
    'Claude Code asks before each baton tool call unless you allow them: add "mcp__baton" to permissions.allow ' +
      "in your settings.json, or start claude with --allowedTools mcp__baton",
    "in Claude Code, ask for the skill with /baton-orchestration (or let Claude pick it from its description)",
  ];
  if (!user) notes.push(`Claude Code asks once to approve the project's MCP servers in ${configPath}`);
  return {
    target: "claude",
    configPath,
    changes: [{ path: configPath, before, after, kind: "config" }, ...skillChanges(skillsDir, agentsDir)],
    notes,
    removeOwnPart(path, text, original) {
      if (path !== configPath) return undefined;
      const hadServers = original !== null && original.trim() !== "" && "mcpServers" in JSON.parse(original);
      return removeMember(text, ["mcpServers", "baton"], path, !hadServers);
    },
  };
}
