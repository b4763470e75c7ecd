import { binaryResolver, CLAUDE_CLI } from "../resolve-binary.ts";
import type { ProcessBackend, SandboxMode, TurnCommand, TurnRequest } from "../types.ts";
import { claudeParser } from "./events.ts";

export interface ClaudeBackendOptions {
  /**
   * Path or name of the claude binary. Default: `$BATON_CLAUDE_BIN`, else `claude` on PATH, else the copy
   * pinned in baton's own node_modules (a clone's dev install).
   */
  claudePath?: string;
  /** Extra arguments added before the prompt (e.g. ["--mcp-config", "mcp.json"]). */
  extraArgs?: string[];
  /** Environment for the worker; default: baton's own (so logins, ANTHROPIC_* and CLAUDE_CONFIG_DIR are respected). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Permission modes that never wait for an answer: with `--permission-prompts none` anything that would
 * prompt is denied at once, and the mode decides the rest. `dontAsk` denies every tool that needs a
 * permission (edits, writing commands) and keeps reading tools; `acceptEdits` lets the worker edit and run
 * commands in its working directory; `bypassPermissions` allows everything (claude refuses it as root).
 */
export const PERMISSION_MODE: Record<SandboxMode, string> = {
  "read-only": "dontAsk",
  "workspace-write": "acceptEdits",
  "danger-full-access": "bypassPermissions",
};

/**
 * Runs each turn as `claude -p --output-format stream-json --verbose` (first turn) or the same with
 * `--resume <session_id>` (follow-ups, on the same session). The prompt goes to stdin, which is then
 * closed: no argv length limit, and a prompt starting with "-" is never read as a flag.
 */
export function claudeBackend(options: ClaudeBackendOptions = {}): ProcessBackend {
  const resolve = binaryResolver(CLAUDE_CLI, { given: options.claudePath, env: options.env });
  return {
    name: "claude",
    resolve,
    parser: claudeParser,
    command(request: TurnRequest): TurnCommand {
      // A worker must not update itself in the middle of a run.
      const env = { ...(options.env ?? process.env), DISABLE_AUTOUPDATER: "1" };
      return {
        file: resolve(),
        args: claudeArgs(request, options.extraArgs ?? []),
        env,
        stdin: request.prompt,
      };
    },
  };
}

export function claudeArgs(request: TurnRequest, extra: string[]): string[] {
  const args = ["-p", "--output-format", "stream-json", "--verbose"];
  args.push("--permission-mode", PERMISSION_MODE[request.sandbox], "--permission-prompts", "none");
  if (request.model) args.push("--model", request.model);
  if (request.reasoningEffort) args.push("--effort", request.reasoningEffort);
  if (request.outputSchema) args.push("--json-schema", JSON.stringify(request.outputSchema));
  if (request.instructions) args.push("--append-system-prompt", request.instructions);
  // Only agents that ask for web search get WebSearch/WebFetch; everyone else has them removed.
  args.push(request.webSearch ? "--allowedTools" : "--disallowedTools", "WebSearch,WebFetch");
  if (request.threadId) args.push("--resume", request.threadId);
  args.push(...extra);
  return args;
}
