#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { BatonError } from "../errors.ts";
import { commandLoaders } from "./commands/index.ts";
import { exitCodeFor } from "./exit-codes.ts";
import { withFlags } from "./flags.ts";
import { guardPipes } from "./pipes.ts";
import { killCliWorkers } from "./supervisor.ts";

guardPipes();
// The last resort: whatever escaped, workers are killed and the user gets one line, not a trace.
for (const event of ["uncaughtException", "unhandledRejection"] as const) {
  process.on(event, (error: unknown) => {
    killCliWorkers();
    process.stderr.write(`baton: internal error: ${describe(error)}\n`);
    process.exit(1);
  });
}

const program = new Command("baton")
  .description(
    "Hand work to parallel coding agents (Codex CLI first) and bring their results back — safely and on the record.",
  )
  .version("0.1.0")
  .showHelpAfterError("(run with --help for usage)")
  .exitOverride();

const wanted = process.argv[2];
const loaders =
  wanted !== undefined && Object.hasOwn(commandLoaders, wanted)
    ? [commandLoaders[wanted]!]
    : Object.values(commandLoaders);
for (const register of await Promise.all(loaders.map((load) => load()))) register(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // commander already printed its message; help and version exit 0.
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (error instanceof BatonError) {
    // The library names its options (`maxTokens`); the user typed flags (--max-tokens).
    process.stderr.write(`baton: ${withFlags(error.message)}\n`);
    process.exitCode = exitCodeFor(error);
  } else if (isFileError(error)) {
    // A file baton was told to read or write (an --out, a source): the user's to fix, not a bug.
    process.stderr.write(
      `baton: cannot ${error.syscall} ${error.path}: ${error.code} (${plainReason(error)})\n`,
    );
    process.exitCode = 1;
  } else {
    process.stderr.write(`baton: unexpected error: ${describe(error)}\n`);
    process.exitCode = 1;
  }
}

/** One line; the stack only when asked for (BATON_DEBUG=1). */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (process.env.BATON_DEBUG === "1") return error.stack ?? error.message;
  const code = (error as NodeJS.ErrnoException).code;
  return `${error.message}${code && !error.message.includes(code) ? ` (${code})` : ""} (BATON_DEBUG=1 shows where)`;
}

function isFileError(error: unknown): error is NodeJS.ErrnoException & { path: string; syscall: string } {
  const e = error as NodeJS.ErrnoException;
  return (
    error instanceof Error &&
    typeof e.code === "string" &&
    typeof e.path === "string" &&
    typeof e.syscall === "string"
  );
}

/** "EACCES: permission denied, mkdir '/x'" → "permission denied". */
function plainReason(error: Error): string {
  return error.message.replace(/^[A-Z]+: /, "").replace(/, \w+ '.*'$/, "");
}
