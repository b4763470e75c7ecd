import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { BatonError } from "../../errors.ts";
import { makePrivateDir, writePrivateFile } from "../../store/private-fs.ts";
import { which } from "../../util/which.ts";
import type { ProcessBackend, TurnCommand, TurnParser, TurnRequest, WorkerEvent } from "../types.ts";
import { type CommandTemplate, fillTemplate, parseCommandTemplate } from "./template.ts";

export interface CommandBackendOptions {
  /** e.g. `aider --yes --message {prompt}`; without `{prompt}`/`{prompt_file}` the prompt goes to stdin. */
  command: string;
  /** The final message is read from this file (relative to the worker's cwd) instead of stdout. */
  outputFile?: string;
  /** Environment for the worker; default: baton's own. */
  env?: NodeJS.ProcessEnv;
  /** Run the tool on a pseudo-terminal, for CLIs that refuse to work without one (see ptyCommand). */
  pty?: boolean;
}

/** What one conversation ("thread") of a command agent remembers: its turns, oldest first. */
interface TranscriptTurn {
  message: string;
  reply?: string;
}

/** What `command()` hands to the parser created right after it for the same turn. */
interface PendingTurn {
  threadId: string;
  turn: TranscriptTurn;
  outputFile?: string;
}

const MAX_STDOUT_CHARS = 4 * 1024 * 1024;
/** Linux's MAX_ARG_STRLEN: the longest single argument, terminating NUL included. */
const MAX_ARG_BYTES = 128 * 1024;

/**
 * `{prompt}` puts the prompt in the tool's argv, where every local user can read it in
 * /proc/<pid>/cmdline; stdin (no placeholder) and `{prompt_file}` (a 0600 file) do not.
 */
export function promptInArgv(command: string): boolean {
  return parseCommandTemplate(command).uses.has("prompt");
}

/**
 * Runs any command-line agent, one process per turn, without a shell: the template is split into argv
 * once, and the prompt fills one argv element (`{prompt}`), a file (`{prompt_file}`) or stdin. The final
 * message is stdout (trimmed), or the file named by `outputFile` / `{output_file}`; exit code ≠ 0 fails the turn.
 *
 * Such tools keep no conversation baton could resume, so baton keeps it: a follow-up turn (send_input)
 * runs the command again with the new message after a transcript of the earlier turns of the same
 * agent. The transcript lives in this backend object (the pool's lifetime), not on disk.
 */
export function commandBackend(options: CommandBackendOptions): ProcessBackend {
  const template = parseCommandTemplate(options.command);
  if (options.pty && !template.uses.has("prompt") && !template.uses.has("prompt_file")) {
    throw new BatonError(
      "E_USAGE",
      "--pty needs {prompt} or {prompt_file} in --command: on a terminal, a prompt sent to stdin would be echoed and mixed with the answer",
    );
  }
  const threads = new Map<string, TranscriptTurn[]>();
  // startTurn calls command() and then parser() synchronously for the same turn, so the last command()
  // hands over to the next parser(); a turn whose spawn threw is simply overwritten by the next one.
  let handoff: PendingTurn | undefined;
  let resolved: string | undefined;
  const resolve = (): string => {
    resolved ??= which(template.file);
    if (!resolved) {
      throw new BatonError(
        "E_BACKEND_MISSING",
        `the command "${template.file}" of --command was not found${template.file.includes("/") ? " or is not executable" : " on PATH"}. ` +
          "Install the agent CLI, or give its full path in --command.",
      );
    }
    return resolved;
  };
  return {
    name: "command",
    resolve,
    command(request: TurnRequest): TurnCommand {
      const file = resolve();
      const threadId = request.threadId ?? `command-${randomUUID()}`;
      const history = threads.get(threadId) ?? [];
      threads.set(threadId, history);
      const text = promptText(request, history);
      if (template.uses.has("prompt") && Buffer.byteLength(text) >= MAX_ARG_BYTES) {
        // Linux caps one argument at 128 KiB (E2BIG); a file or stdin has no such limit.
        throw new BatonError(
          "E_USAGE",
          `the prompt of ${request.agentId} is ${Buffer.byteLength(text)} bytes, too long for one argument ({prompt}, at most ${MAX_ARG_BYTES - 1}); use {prompt_file} or stdin in --command`,
          { agentId: request.agentId },
        );
      }
      if (template.uses.has("prompt") && text.includes("\0")) {
        // The OS cannot pass a NUL byte inside an argument; failing the turn beats a throw from spawn.
        throw new BatonError(
          "E_USAGE",
          "the prompt contains a NUL byte, which cannot be passed as {prompt}; use {prompt_file} or stdin",
        );
      }
      const turn: TranscriptTurn = { message: request.prompt };
      history.push(turn);

      const values: Record<string, string> = { prompt: text };
      if (template.uses.has("prompt_file") || template.uses.has("output_file"))
        makePrivateDir(request.scratchDir);
      if (template.uses.has("prompt_file")) {
        values.prompt_file = join(request.scratchDir, "prompt.md");
        writePrivateFile(values.prompt_file, text);
      }
      let outputFile: string | undefined;
      if (template.uses.has("output_file"))
        outputFile = values.output_file = join(request.scratchDir, "last-message.txt");
      else if (options.outputFile)
        outputFile = isAbsolute(options.outputFile)
          ? options.outputFile
          : join(request.cwd, options.outputFile);
      handoff = { threadId, turn, outputFile };

      const viaArgs = template.uses.has("prompt") || template.uses.has("prompt_file");
      const args = fillTemplate(template, values);
      if (options.pty) return ptyCommand([file, ...args], options.env ?? process.env);
      return {
        file,
        args,
        env: options.env,
        ...(viaArgs ? {} : { stdin: text }),
      };
    },
    parser() {
      const turn = handoff;
      handoff = undefined;
      return commandParser(template, turn, options.pty === true);
    },
  };
}

/** The text the tool gets: role instructions, the transcript of earlier turns, the message, the schema. */
export function promptText(request: TurnRequest, history: readonly TranscriptTurn[]): string {
  const parts: string[] = [];
  if (request.instructions) parts.push(`Instructions:\n${request.instructions}`);
  if (history.length > 0) {
    const turns = history.map(
      (t, i) =>
        `--- message ${i + 1} ---\n${t.message}\n--- your reply ${i + 1} ---\n${t.reply ?? "(none: that turn was stopped before it finished)"}`,
    );
    parts.push(
      `This continues an earlier conversation. Its turns so far, oldest first:\n\n${turns.join("\n\n")}`,
    );
    parts.push(`--- new message ---\n${request.prompt}`);
  } else {
    parts.push(request.prompt);
  }
  if (request.outputSchema) {
    parts.push(
      `Reply with one JSON value and nothing else. It must match this JSON Schema:\n${JSON.stringify(request.outputSchema)}`,
    );
  }
  return parts.join("\n\n");
}

function commandParser(template: CommandTemplate, turn: PendingTurn | undefined, pty: boolean): TurnParser {
  let stdout = "";
  let announced = false;
  const announce = (): WorkerEvent[] => {
    if (announced || !turn) return [];
    announced = true;
    return [{ type: "thread.started", threadId: turn.threadId }, { type: "turn.started" }];
  };
  return {
    line(raw) {
      const text = pty ? stripTerminal(raw) : raw;
      if (stdout.length < MAX_STDOUT_CHARS) stdout += `${text}\n`;
      return announce();
    },
    end({ exitCode, signal, stderrTail }) {
      const events = announce();
      const name = template.file;
      if (exitCode !== 0) {
        const how = signal ? `was killed by ${signal}` : `exited with code ${exitCode}`;
        const detail = lastLines(stderrTail) || lastLines(stdout);
        return [...events, { type: "turn.failed", message: `${name} ${how}${detail ? `: ${detail}` : ""}` }];
      }
      let answer = stdout.trim();
      if (turn?.outputFile) {
        try {
          answer = readFileSync(turn.outputFile, "utf8").trim();
        } catch {
          return [
            ...events,
            {
              type: "turn.failed",
              message: `${name} exited with code 0 but wrote no final message to ${turn.outputFile}`,
            },
          ];
        }
      }
      if (turn) turn.turn.reply = answer;
      return [
        ...events,
        { type: "item.completed", item: { id: "final", type: "agent_message", text: answer } },
        { type: "turn.completed", usageIsCumulative: false },
      ];
    },
  };
}

/**
 * Runs argv on a pseudo-terminal with util-linux `script`, still without building a shell string from
 * the prompt: each argument travels in its own environment variable, and the only shell text is
 * `exec "$BATON_PTY_ARG0" "$BATON_PTY_ARG1" …`, which a shell expands without re-reading the values.
 */
export function ptyCommand(argv: string[], baseEnv: NodeJS.ProcessEnv): TurnCommand {
  const script = which("script");
  if (!script) {
    throw new BatonError(
      "E_BACKEND_MISSING",
      "--pty needs util-linux `script` on PATH (Debian: apt-get install bsdutils)",
    );
  }
  const env: NodeJS.ProcessEnv = { ...baseEnv, SHELL: "/bin/sh" };
  argv.forEach((arg, i) => {
    env[`BATON_PTY_ARG${i}`] = arg;
  });
  const line = `exec ${argv.map((_, i) => `"$BATON_PTY_ARG${i}"`).join(" ")}`;
  // -q quiet, -e the tool's exit code, -f flush at once, output log to /dev/null (we read stdout).
  return { file: script, args: ["-q", "-e", "-f", "-c", line, "/dev/null"], env };
}

/** A terminal's line endings and escape sequences (colours, cursor moves) removed. */
export function stripTerminal(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escapes are control characters
  return text.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007]*(?:\u0007|\u001b\\)|\r/g, "");
}

function lastLines(text: string): string {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(-3)
    .join(" | ")
    .slice(0, 500);
}
