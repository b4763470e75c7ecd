import { execFile } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { BatonError } from "../errors.ts";
import { which } from "../util/which.ts";

/** The worker CLIs baton finds by itself; `baton doctor`, `baton run` and `baton mcp` share this lookup. */
export interface WorkerCli {
  name: "codex" | "claude";
  /** What the user calls it, e.g. "the codex CLI". */
  label: string;
  /** The npm package that installs it and the variable that points at it. */
  npmPackage: string;
  envVar: "BATON_CODEX_BIN" | "BATON_CLAUDE_BIN";
}

export const CODEX_CLI: WorkerCli = {
  name: "codex",
  label: "the codex CLI",
  npmPackage: "@openai/codex",
  envVar: "BATON_CODEX_BIN",
};
export const CLAUDE_CLI: WorkerCli = {
  name: "claude",
  label: "the claude CLI (Claude Code)",
  npmPackage: "@anthropic-ai/claude-code",
  envVar: "BATON_CLAUDE_BIN",
};

/**
 * Where a binary came from: given by the caller (option or $BATON_*_BIN), the user's own on PATH, or
 * the copy pinned in baton's own node_modules (present in a clone, not in an installed package).
 */
export type BinarySource = "given" | "env" | "path" | "pinned";

export interface ResolvedBinary {
  path: string;
  source: BinarySource;
}

export interface FindOptions {
  /** A path or a name from the caller (e.g. `codexPath`); wins over everything else. */
  given?: string;
  env?: NodeJS.ProcessEnv;
  /**
   * Rehearsals and tests: the pinned copy first (the version the scripted model server is made for),
   * then PATH. Real runs: the user's own CLI on PATH first (their version, their login).
   */
  preferPinned?: boolean;
}

/** baton's own copy of a worker CLI (a devDependency), or where it would be. */
export function pinnedBinary(name: WorkerCli["name"]): string {
  return fileURLToPath(new URL(`../../node_modules/.bin/${name}`, import.meta.url));
}

/** The binary a worker CLI resolves to, in the one order every command uses; undefined when none is found. */
export function findWorkerBinary(cli: WorkerCli, options: FindOptions = {}): ResolvedBinary | undefined {
  const env = options.env ?? process.env;
  const pathEnv = env.PATH ?? "";
  const explicit = options.given ?? env[cli.envVar];
  if (explicit) {
    const path = which(explicit, pathEnv);
    return path ? { path, source: options.given ? "given" : "env" } : undefined;
  }
  const onPath = (): ResolvedBinary | undefined => {
    const path = which(cli.name, pathEnv);
    // npm scripts put baton's own node_modules/.bin on PATH: that is still the pinned copy.
    return path ? { path, source: isPinned(cli, path) ? "pinned" : "path" } : undefined;
  };
  const pinned = (): ResolvedBinary | undefined => {
    const path = pinnedBinary(cli.name);
    return existsSync(path) ? { path, source: "pinned" } : undefined;
  };
  return options.preferPinned ? (pinned() ?? onPath()) : (onPath() ?? pinned());
}

/** What a failed lookup tried, e.g. `looked for "codex" on PATH`. */
export function lookedFor(cli: WorkerCli, options: FindOptions = {}): string {
  const explicit = options.given ?? (options.env ?? process.env)[cli.envVar];
  if (!explicit) return `looked for "${cli.name}" on PATH and in baton's node_modules`;
  return `looked for "${explicit}"${options.given ? "" : ` from ${cli.envVar}`}`;
}

/** The install advice of `E_BACKEND_MISSING`. */
export function missingBinaryError(cli: WorkerCli, options: FindOptions = {}): BatonError {
  return new BatonError(
    "E_BACKEND_MISSING",
    `${cli.label} was not found (${lookedFor(cli, options)}). ` +
      `Install it with \`npm i -g ${cli.npmPackage}\`, or point ${cli.envVar} at the binary.`,
  );
}

/** A memoised lookup that fails with install advice (`E_BACKEND_MISSING`). */
export function binaryResolver(cli: WorkerCli, options: FindOptions = {}): () => string {
  let resolved: string | undefined;
  return () => {
    resolved ??= findWorkerBinary(cli, options)?.path;
    if (!resolved) throw missingBinaryError(cli, options);
    return resolved;
  };
}

/** "on PATH", "from $BATON_CODEX_BIN", … */
export function sourceText(cli: WorkerCli, source: BinarySource): string {
  if (source === "env") return `from $${cli.envVar}`;
  return { given: "given path", path: "on PATH", pinned: "baton's own pinned copy" }[source];
}

/** "codex-cli 0.169.0 — /usr/local/bin/codex (on PATH)" */
export function describeBinary(
  cli: WorkerCli,
  resolved: ResolvedBinary,
  version: string | undefined,
): string {
  return `${version ?? `${cli.name} (version unknown)`} — ${resolved.path} (${sourceText(cli, resolved.source)})`;
}

/** Where a path a backend resolved came from (for the line `baton run` prints). */
export function sourceOf(cli: WorkerCli, path: string, env: NodeJS.ProcessEnv = process.env): BinarySource {
  if (isPinned(cli, path)) return "pinned";
  const explicit = env[cli.envVar];
  if (explicit && realOrSelf(which(explicit, env.PATH ?? "") ?? explicit) === realOrSelf(path)) return "env";
  const onPath = which(cli.name, env.PATH ?? "");
  return onPath && realOrSelf(onPath) === realOrSelf(path) ? "path" : "given";
}

function isPinned(cli: WorkerCli, path: string): boolean {
  return realOrSelf(path) === realOrSelf(pinnedBinary(cli.name));
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

const VERSION_TIMEOUT_MS = 15_000;

/** The first line of `<binary> --version`, or undefined when it fails. */
export function binaryVersion(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(file, ["--version"], { env, timeout: VERSION_TIMEOUT_MS }, (error, stdout) => {
      resolve(error ? undefined : stdout.trim().split("\n")[0]);
    });
  });
}

/**
 * The line `baton run` prints before its workers start: which binary and version they use
 * (empty for backends other than codex and claude).
 */
export async function workerBinaryLine(
  backend: string,
  path: string,
  env: NodeJS.ProcessEnv = process.env,
  /** The binary's `--version` line when the caller has already read it. */
  versionLine?: string,
): Promise<string> {
  const cli = backend.startsWith("codex") ? CODEX_CLI : backend === "claude" ? CLAUDE_CLI : undefined;
  if (!cli) return "";
  const resolved = { path, source: sourceOf(cli, path, env) };
  return `workers: ${describeBinary(cli, resolved, versionLine ?? (await binaryVersion(path, env)))}\n`;
}
