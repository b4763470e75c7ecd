#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { BatonError } from "../errors.ts";
import { commandLoaders } from "./commands/index.ts";
import { exitCodeFor } from "./exit-codes.ts";

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
    process.stderr.write(`baton: ${error.message}\n`);
    process.exitCode = exitCodeFor(error);
  } else {
    process.stderr.write(
      `baton: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  }
}
