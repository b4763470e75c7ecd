import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { binaryResolver, CODEX_CLI } from "../resolve-binary.ts";
import type { ProcessBackend, TurnCommand, TurnRequest } from "../types.ts";
import { codexParser } from "./events.ts";

export interface CodexBackendOptions {
  /**
   * Path or name of the codex binary. Default: `$BATON_CODEX_BIN`, else `codex` on PATH, else the copy
   * pinned in baton's own node_modules (a clone's dev install).
   */
  codexPath?: string;
  /** Rehearsals: baton's pinned codex before the one on PATH. */
  preferPinned?: boolean;
  /** Extra `-c key=value` overrides, passed as they are (the user's config.toml is never rewritten). */
  configOverrides?: string[];
  /** Environment for the worker; default: baton's own (so CODEX_HOME and logins are respected as they are). */
  env?: NodeJS.ProcessEnv;
}

/** Runs each turn as `codex exec --json` (first turn) or `codex exec --json … resume <thread>` (follow-ups). */
export function codexBackend(options: CodexBackendOptions = {}): ProcessBackend {
  const resolve = binaryResolver(CODEX_CLI, {
    given: options.codexPath,
    env: options.env,
    preferPinned: options.preferPinned,
  });
  return {
    name: "codex",
    resolve,
    parser: codexParser,
    command(request: TurnRequest): TurnCommand {
      return { file: resolve(), args: codexArgs(request, options.configOverrides ?? []), env: options.env };
    },
  };
}

export function codexArgs(request: TurnRequest, overrides: string[]): string[] {
  const args = ["exec", "--json", "--skip-git-repo-check", "--disable", "unbounded_connection_retries"];
  args.push("-C", request.cwd, "-s", request.sandbox);
  if (request.model) args.push("-m", request.model);
  if (request.outputSchema) {
    mkdirSync(request.scratchDir, { recursive: true });
    const file = join(request.scratchDir, "output-schema.json");
    writeFileSync(file, JSON.stringify(request.outputSchema));
    args.push("--output-schema", file);
  }
  // TOML basic strings accept JSON string escapes, so JSON.stringify yields a valid TOML value.
  if (request.instructions) args.push("-c", `developer_instructions=${JSON.stringify(request.instructions)}`);
  for (const override of overrides) args.push("-c", override);
  if (request.threadId) args.push("resume", request.threadId);
  // "--" keeps a prompt that starts with "-" from being read as a flag.
  args.push("--", request.prompt);
  return args;
}
