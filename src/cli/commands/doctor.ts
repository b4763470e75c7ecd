import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { Command } from "commander";
import { parse as parseToml } from "smol-toml";
import { parseCommandTemplate } from "../../backends/command/template.ts";
import {
  type BinarySource,
  binaryVersion,
  CLAUDE_CLI,
  CODEX_CLI,
  findWorkerBinary,
  lookedFor,
  sourceText,
  type WorkerCli,
} from "../../backends/resolve-binary.ts";
import { isBatonError } from "../../errors.ts";
import { which } from "../../util/which.ts";
import { EXIT } from "../exit-codes.ts";

export interface BackendCheck {
  name: "codex" | "claude" | "command";
  installed: boolean;
  path?: string;
  /** Where the binary came from: $BATON_*_BIN, PATH, or baton's own pinned copy (the order `baton run` uses). */
  source?: BinarySource;
  version?: string;
  /** Where the credentials come from; never their value. */
  credentials: { ok: boolean; source?: string };
  /** Installed and has credentials: workers can run. */
  ready: boolean;
  notes: string[];
  /** What to do about each missing piece. */
  advice: string[];
}

export interface DoctorReport {
  node: string;
  backends: BackendCheck[];
  ready: string[];
}

const homeOf = (env: NodeJS.ProcessEnv) => env.HOME ?? homedir();

/** The same lookup as `baton run` (resolve-binary.ts), and what to do when it finds nothing. */
async function binary(cli: WorkerCli, env: NodeJS.ProcessEnv): Promise<BackendCheck> {
  const found = findWorkerBinary(cli, { env });
  const check: BackendCheck = {
    name: cli.name,
    installed: found !== undefined,
    path: found?.path,
    source: found?.source,
    credentials: { ok: false },
    ready: false,
    notes: [],
    advice: [],
  };
  const install = `npm i -g ${cli.npmPackage}, or set ${cli.envVar}`;
  if (!found) {
    check.advice.push(`install it: ${install} (${lookedFor(cli, { env })})`);
    return check;
  }
  check.version = await binaryVersion(found.path, env);
  if (!check.version) check.advice.push(`\`${found.path} --version\` failed: reinstall it (${install})`);
  if (found.source === "pinned")
    check.notes.push(
      `this is baton's own pinned copy, not a ${cli.name} of yours: install yours (${install}) to use your version and login`,
    );
  return check;
}

export async function checkCodex(env: NodeJS.ProcessEnv = process.env): Promise<BackendCheck> {
  const check = await binary(CODEX_CLI, env);
  const codexHome = env.CODEX_HOME ?? join(homeOf(env), ".codex");
  let provider: string | undefined;
  const configFile = join(codexHome, "config.toml");
  if (existsSync(configFile)) {
    try {
      const config = parseToml(readFileSync(configFile, "utf8")) as { model_provider?: unknown };
      if (typeof config.model_provider === "string") provider = config.model_provider;
      check.notes.push(`config: ${configFile}`);
    } catch (error) {
      check.advice.push(
        `${configFile} does not parse (${(error as Error).message.split("\n")[0]}): fix it, codex will refuse to start`,
      );
    }
  }
  if (env.CODEX_API_KEY) check.credentials = { ok: true, source: "CODEX_API_KEY" };
  else if (existsSync(join(codexHome, "auth.json")))
    check.credentials = { ok: true, source: `codex login (${join(codexHome, "auth.json")})` };
  else if (provider && provider !== "openai") {
    check.credentials = {
      ok: true,
      source: `model_provider "${provider}" in config.toml (its key is not checked)`,
    };
  } else {
    check.advice.push("log in: `codex login`, or set CODEX_API_KEY");
    if (env.OPENAI_API_KEY)
      check.notes.push(
        "OPENAI_API_KEY is set, but `codex exec` does not send it: `printenv OPENAI_API_KEY | codex login --with-api-key`",
      );
  }
  check.ready = check.installed && check.version !== undefined && check.credentials.ok;
  return check;
}

export async function checkClaude(env: NodeJS.ProcessEnv = process.env): Promise<BackendCheck> {
  const check = await binary(CLAUDE_CLI, env);
  const configDir = env.CLAUDE_CONFIG_DIR ?? join(homeOf(env), ".claude");
  const cloud = ["CLAUDE_CODE_USE_BEDROCK", "CLAUDE_CODE_USE_VERTEX", "CLAUDE_CODE_USE_FOUNDRY"].find(
    (k) => env[k] && env[k] !== "0",
  );
  const keyVar = ["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN"].find((k) => env[k]);
  if (keyVar) check.credentials = { ok: true, source: keyVar };
  else if (cloud)
    check.credentials = { ok: true, source: `${cloud} (the cloud provider's credentials are not checked)` };
  else if (existsSync(join(configDir, ".credentials.json"))) {
    check.credentials = { ok: true, source: `claude login (${join(configDir, ".credentials.json")})` };
  } else if (hasApiKeyHelper(join(configDir, "settings.json"))) {
    check.credentials = { ok: true, source: `apiKeyHelper in ${join(configDir, "settings.json")}` };
  } else {
    check.advice.push("log in: run `claude` once and use /login, or set ANTHROPIC_API_KEY");
  }
  if (env.ANTHROPIC_BASE_URL) check.notes.push(`model endpoint: ${env.ANTHROPIC_BASE_URL}`);
  if (process.getuid?.() === 0) {
    check.notes.push(
      "running as root: claude refuses bypassPermissions, so danger-full-access workers fail; read-only and workspace-write work",
    );
  }
  check.ready = check.installed && check.version !== undefined && check.credentials.ok;
  return check;
}

function hasApiKeyHelper(file: string): boolean {
  try {
    return (
      typeof (JSON.parse(readFileSync(file, "utf8")) as { apiKeyHelper?: unknown }).apiKeyHelper === "string"
    );
  } catch {
    return false;
  }
}

/** The command backend needs nothing installed by baton; given a template, its program is looked up. */
export function checkCommand(
  template: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): BackendCheck {
  const check: BackendCheck = {
    name: "command",
    installed: true,
    credentials: { ok: true, source: "the tool's own" },
    ready: false,
    notes: [],
    advice: [],
  };
  if (template === undefined) {
    check.notes.push(
      "any CLI agent: --backend command --command 'aider --yes --message {prompt}' (check one with baton doctor --command '…')",
    );
    return check;
  }
  try {
    const parsed = parseCommandTemplate(template);
    check.path = which(parsed.file, env.PATH ?? "");
    check.installed = check.path !== undefined;
    if (!check.installed)
      check.advice.push(`"${parsed.file}" was not found on PATH: install it or give its full path`);
    check.notes.push(
      parsed.uses.has("prompt") || parsed.uses.has("prompt_file")
        ? "prompt: one argument"
        : "prompt: on stdin",
    );
  } catch (error) {
    check.installed = false;
    check.advice.push(isBatonError(error) ? error.message : String(error));
  }
  check.credentials = { ok: true, source: "the tool's own (not checked)" };
  check.ready = check.installed;
  return check;
}

export async function runDoctor(
  options: { command?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<DoctorReport> {
  const env = options.env ?? process.env;
  const backends = [
    ...(await Promise.all([checkCodex(env), checkClaude(env)])),
    checkCommand(options.command, env),
  ];
  return { node: process.version, backends, ready: backends.filter((b) => b.ready).map((b) => b.name) };
}

const where = (b: BackendCheck) =>
  b.source && b.name !== "command"
    ? `(${sourceText(b.name === "codex" ? CODEX_CLI : CLAUDE_CLI, b.source)})`
    : "";

export function renderDoctor(report: DoctorReport): string {
  const lines = [`baton doctor — worker backends (node ${report.node})`, ""];
  for (const b of report.backends) {
    const state = b.ready
      ? "✓ ready"
      : b.name === "command" && b.path === undefined && b.advice.length === 0
        ? "· available"
        : "✗ not ready";
    lines.push(
      `${b.name.padEnd(8)} ${state.padEnd(12)} ${[b.version, b.path, where(b)].filter(Boolean).join("  ")}`.trimEnd(),
    );
    if (b.name !== "command" || b.path)
      lines.push(`${" ".repeat(9)}credentials: ${b.credentials.ok ? b.credentials.source : "none found"}`);
    for (const note of b.notes) lines.push(`${" ".repeat(9)}${note}`);
    for (const advice of b.advice) lines.push(`${" ".repeat(9)}→ ${advice}`);
  }
  lines.push(
    "",
    report.ready.length > 0
      ? `Ready: ${report.ready.join(", ")}. Pick one per run with --backend <name>.`
      : "No backend is ready: follow the → advice above.",
  );
  return `${lines.join("\n")}\n`;
}

export function registerDoctor(program: Command): void {
  program
    .command("doctor")
    .summary("check which worker backends are installed and ready")
    .description(
      "Looks for the codex and claude CLIs (PATH, or BATON_CODEX_BIN / BATON_CLAUDE_BIN), their versions and " +
        "whether credentials are configured (never printing them), and says what to do about each missing piece. " +
        "Exit code 0 when at least one backend is ready, 1 when none is.",
    )
    .option(
      "--command <template>",
      "also check a command backend template, e.g. 'aider --yes --message {prompt}'",
    )
    .option("--json", "print one JSON object ({node, backends: [...], ready: [...]})")
    .addHelpText(
      "after",
      "\nExamples:\n  $ baton doctor\n  $ baton doctor --json | jq '.ready'\n  $ baton doctor --command 'aider --yes --message {prompt}'",
    )
    .action(async (flags: { json?: boolean; command?: string }) => {
      const report = await runDoctor({ command: flags.command });
      process.stdout.write(flags.json ? `${JSON.stringify(report)}\n` : renderDoctor(report));
      process.exitCode = report.ready.length > 0 ? EXIT.ok : EXIT.failed;
    });
}
