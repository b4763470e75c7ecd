import { BatonError } from "../errors.ts";
import { claudeBackend } from "./claude/backend.ts";
import { codexBackend } from "./codex/backend.ts";
import { codexAppBackend } from "./codex-app/backend.ts";
import { commandBackend } from "./command/backend.ts";
import type { Backend } from "./types.ts";

/**
 * `codex` is the default codex transport, the app-server (`codex-app`); `codex-exec` is a `codex exec`
 * process per turn (docs/decisions.md says why and with which figures).
 */
export const BACKEND_NAMES = ["codex", "codex-exec", "codex-app", "claude", "command"] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export interface BackendOptions {
  /** For `command`: the template, e.g. `aider --yes --message {prompt}`. */
  command?: string;
  /** For `command`: read the final message from this file instead of stdout. */
  outputFile?: string;
  /** Path of the codex / claude binary (default: `$BATON_CODEX_BIN` / `$BATON_CLAUDE_BIN`, else PATH). */
  binary?: string;
  /** Environment of the workers; default: baton's own. */
  env?: NodeJS.ProcessEnv;
  /** For codex: baton's pinned copy before the one on PATH (rehearsals). */
  preferPinned?: boolean;
  /** For `command`: run the tool on a pseudo-terminal. */
  pty?: boolean;
}

/**
 * The backend behind `--backend <name>`.
 * @example createBackend("command", { command: "aider --yes --message {prompt}" })
 */
export function createBackend(name: string, options: BackendOptions = {}): Backend {
  switch (name) {
    case "codex":
    case "codex-exec":
    case "codex-app": {
      const codex = { codexPath: options.binary, env: options.env, preferPinned: options.preferPinned };
      return name === "codex-exec" ? codexBackend(codex) : codexAppBackend(codex);
    }
    case "claude":
      return claudeBackend({ claudePath: options.binary, env: options.env });
    case "command":
      if (!options.command) {
        throw new BatonError(
          "E_USAGE",
          "--backend command needs --command '<agent CLI>', e.g. --command 'aider --yes --message {prompt}' " +
            "({prompt} becomes one argument; without it the prompt goes to stdin)",
        );
      }
      return commandBackend({
        command: options.command,
        outputFile: options.outputFile,
        env: options.env,
        pty: options.pty,
      });
    default:
      throw new BatonError(
        "E_USAGE",
        `--backend: unknown backend "${name}"; available: ${BACKEND_NAMES.join(", ")}`,
      );
  }
}
