import { join } from "node:path";
import { BatonError } from "../../errors.ts";
import { makePrivateDir, writePrivateFile } from "../../store/private-fs.ts";
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

/** codex 0.169 refuses a turn's input over this many characters (`input_too_large`). */
export const CODEX_MAX_PROMPT_CHARS = 1_048_576;

/** The codex binary lookup both codex transports use. */
export function codexResolver(
  options: Pick<CodexBackendOptions, "codexPath" | "env" | "preferPinned">,
): () => string {
  return binaryResolver(CODEX_CLI, {
    given: options.codexPath,
    env: options.env,
    preferPinned: options.preferPinned,
  });
}

/** Fails a prompt codex would refuse, before anything starts. */
export function checkPromptSize(request: TurnRequest): void {
  if (request.prompt.length > CODEX_MAX_PROMPT_CHARS)
    throw new BatonError(
      "E_USAGE",
      `the prompt of ${request.agentId} is ${request.prompt.length} characters; codex accepts at most ${CODEX_MAX_PROMPT_CHARS}. Shorten the goal or the Context Pack, or point the worker at a file instead`,
      { agentId: request.agentId },
    );
}

/** Runs each turn as `codex exec --json` (first turn) or `codex exec --json … resume <thread>` (follow-ups). */
export function codexBackend(options: CodexBackendOptions = {}): ProcessBackend {
  const resolve = codexResolver(options);
  return {
    name: "codex",
    resolve,
    parser: codexParser,
    command(request: TurnRequest): TurnCommand {
      checkPromptSize(request);
      // The prompt goes to stdin ("-"): never in argv, where /proc/<pid>/cmdline shows it to every
      // local user and the kernel caps one argument at 128 KiB.
      return {
        file: resolve(),
        args: codexArgs(request, options.configOverrides ?? []),
        env: options.env,
        stdin: request.prompt,
      };
    },
  };
}

export function codexArgs(request: TurnRequest, overrides: string[]): string[] {
  const args = ["exec", "--json", "--skip-git-repo-check", "--disable", "unbounded_connection_retries"];
  args.push("-C", request.cwd, "-s", request.sandbox);
  if (request.model) args.push("-m", request.model);
  if (request.reasoningEffort)
    args.push("-c", `model_reasoning_effort=${JSON.stringify(request.reasoningEffort)}`);
  if (request.outputSchema) {
    makePrivateDir(request.scratchDir);
    const file = join(request.scratchDir, "output-schema.json");
    writePrivateFile(file, JSON.stringify(request.outputSchema));
    args.push("--output-schema", file);
  }
  // TOML basic strings accept JSON string escapes, so JSON.stringify yields a valid TOML value.
  if (request.instructions) args.push("-c", `developer_instructions=${JSON.stringify(request.instructions)}`);
  // codex offers its web_search tool by default: only agents that ask for it get it (live).
  args.push("-c", `web_search=${request.webSearch ? '"live"' : '"disabled"'}`);
  for (const override of overrides) args.push("-c", override);
  if (request.threadId) args.push("resume", request.threadId);
  // `codex exec [resume <thread>] -- -` reads the prompt from stdin (codex 0.169; checked in the tests).
  args.push("--", "-");
  return args;
}
