import { homedir } from "node:os";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { Option } from "commander";
import { BatonError } from "../../errors.ts";
import {
  applyChanges,
  describeChange,
  readRecord,
  recordPath,
  type UninstallStep,
  uninstallFromRecord,
} from "../../setup/changes.ts";
import {
  claudePlan,
  codexPlan,
  type SetupPlan,
  type SetupScope,
  type SetupTarget,
} from "../../setup/targets.ts";
import { EXIT } from "../exit-codes.ts";
import type { RegisterCommand } from "./register.ts";

interface SetupFlags {
  scope: SetupScope;
  dryRun?: boolean;
  uninstall?: boolean;
  json?: boolean;
  cwd?: string;
}

export interface SetupOutcome {
  target: SetupTarget;
  scope: SetupScope;
  action: "installed" | "unchanged" | "dry-run" | "uninstalled";
  changes: { path: string; change: "create" | "update" | "remove" | "unchanged" }[];
  backups?: string;
  record: string;
  uninstall?: UninstallStep[];
  notes: string[];
}

/** baton's own state for setup: records and backups under `~/.baton/setup/`. */
export function setupStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(resolve(env.HOME ?? homedir()), ".baton", "setup");
}

function planFor(target: SetupTarget, scope: SetupScope, cwd: string, env: NodeJS.ProcessEnv): SetupPlan {
  const ctx = { scope, cwd, env };
  return target === "codex" ? codexPlan(ctx) : claudePlan(ctx);
}

export function runSetup(
  target: SetupTarget,
  options: {
    scope: SetupScope;
    dryRun?: boolean;
    uninstall?: boolean;
    cwd?: string;
    env?: NodeJS.ProcessEnv;
  },
): SetupOutcome {
  const env = options.env ?? process.env;
  const plan = planFor(target, options.scope, resolve(options.cwd ?? process.cwd()), env);
  const record = recordPath(setupStateDir(env), `${target}-${options.scope}`, plan.configPath);
  const base = { target, scope: options.scope, record, notes: plan.notes };
  if (options.uninstall) {
    if (options.dryRun) {
      const recorded = readRecord(record);
      if (!recorded)
        throw new BatonError("E_NOT_FOUND", `nothing to uninstall: no setup record at ${record}`);
      const changes = recorded.files.map((f) => ({
        path: f.path,
        change: (f.before === null ? "remove" : "update") as "remove" | "update",
      }));
      return {
        ...base,
        action: "dry-run",
        changes,
        notes: changes.map((c) => `  ${c.change === "remove" ? "remove " : "restore"}    ${c.path}`),
      };
    }
    const steps = uninstallFromRecord(record, plan.removeOwnPart);
    return { ...base, action: "uninstalled", changes: [], uninstall: steps };
  }
  const changes = plan.changes.map((c) => ({
    path: c.path,
    change: (c.before === c.after ? "unchanged" : c.before === null ? "create" : "update") as
      | "create"
      | "update"
      | "unchanged",
  }));
  const text = plan.changes.map(describeChange).join("\n");
  if (options.dryRun) return { ...base, action: "dry-run", changes, notes: [text, ...plan.notes] };
  if (plan.changes.every((c) => c.before === c.after)) return { ...base, action: "unchanged", changes };
  const applied = applyChanges(`${target}-${options.scope}`, plan.changes, record);
  return { ...base, action: "installed", changes, backups: applied.backups, notes: [text, ...plan.notes] };
}

function render(o: SetupOutcome): string {
  const lines: string[] = [];
  const name = `baton setup ${o.target}${o.scope === "user" ? "" : " --scope project"}`;
  if (o.action === "uninstalled") {
    lines.push(`Uninstalled baton from ${o.target} (${o.scope}):`);
    for (const s of o.uninstall ?? [])
      lines.push(`  ${s.action.padEnd(12)} ${s.path}${s.note ? ` — ${s.note}` : ""}`);
    return `${lines.join("\n")}\n`;
  }
  if (o.action === "unchanged") {
    lines.push(`baton is already set up for ${o.target} (${o.scope}): nothing to change.`);
  } else {
    lines.push(
      o.action === "dry-run"
        ? `Dry run: ${name} would change these files (nothing is written):`
        : `Set up baton for ${o.target} (${o.scope}):`,
    );
    lines.push(...o.notes);
    if (o.backups) lines.push(`Backups of the files replaced: ${o.backups}`);
    if (o.action === "installed") lines.push(`Undo: ${name} --uninstall (restores the files byte for byte)`);
  }
  return `${lines.join("\n")}\n`;
}

const HELP = `
What it writes (shown first; --dry-run shows it and writes nothing):
  codex   [mcp_servers.baton] in config.toml ($CODEX_HOME or ~/.codex; --scope project: .codex/),
          only that table — every other byte of the file stays as it is;
          the skill in skills/baton-orchestration/ and its roles in agents/baton-*.toml
  claude  mcpServers.baton in ~/.claude.json (--scope project: .mcp.json);
          the skill in ~/.claude/skills/baton-orchestration/ (--scope project: .claude/skills/),
          its roles in $CODEX_HOME/agents (--scope project: .codex/agents/), where baton's spawn_agent finds them

Every replaced file is copied to ~/.baton/setup/backups/ first, and a record of the change is kept in
~/.baton/setup/; running setup again changes nothing when nothing changed; --uninstall puts back the
files as they were before the first setup, byte for byte (a file edited since keeps your edits: only
baton's entry is taken out).

Examples:
  $ baton setup codex --dry-run
  $ baton setup codex
  $ baton setup claude --scope project
  $ baton setup codex --uninstall`;

export const registerSetup: RegisterCommand = (program: Command) => {
  program
    .command("setup")
    .summary("register baton's MCP server and the orchestration skill in codex or Claude Code")
    .description(
      "Registers `baton mcp` in the agent's MCP config (the resolved command, required, tools approved, " +
        "the variables workers need, a tool timeout that fits baton's wait) and installs the baton orchestration " +
        "skill: when to orchestrate, the plan rules, patterns A–F, the Context Pack and worker templates, run " +
        "through baton's spawn_agent / wait_agent / close_agent.",
    )
    .argument("<agent>", "codex or claude")
    .addOption(
      new Option("--scope <scope>", "user (your home) or project")
        .choices(["user", "project"])
        .default("user"),
    )
    .option("--dry-run", "show what would change and write nothing")
    .option("--uninstall", "undo an earlier setup from its record")
    .option("--cwd <dir>", "the project for --scope project (default: the current directory)")
    .option("--json", "print one JSON object describing what was done")
    .addHelpText("after", HELP)
    .action((agent: string, flags: SetupFlags) => {
      if (agent !== "codex" && agent !== "claude")
        throw new BatonError("E_USAGE", `setup: unknown agent "${agent}"; use codex or claude`);
      const outcome = runSetup(agent, { ...flags, env: process.env });
      process.stdout.write(flags.json ? `${JSON.stringify(outcome)}\n` : render(outcome));
      process.exitCode = EXIT.ok;
    });
};
