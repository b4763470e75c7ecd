import { spawn } from "node:child_process";
import type { ProcessBackend, TurnRequest } from "../backends/types.ts";
import { lineSplitter, tailBuffer } from "../util/lines.ts";
import { killTreeNow, terminateTree, WORKER_TAG_VAR } from "./process-tree.ts";
import { registerWorker, unregisterWorker } from "./registry.ts";
import { sweepAfterExit } from "./sweep.ts";
import type { SourceEnd, TurnFeed, TurnSource } from "./turn-source.ts";

/** A turn as one process of a process backend: spawned tagged, its stdout parsed, its whole tree killed. */
export function processSource(
  backend: ProcessBackend,
  request: TurnRequest,
  tag: string,
  feed: TurnFeed,
): TurnSource {
  const command = backend.command(request);
  const child = spawn(command.file, command.args, {
    cwd: request.cwd,
    env: { ...(command.env ?? process.env), [WORKER_TAG_VAR]: tag },
    detached: true, // own process group: a terminal's Ctrl-C reaches baton, which decides
    stdio: [command.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
  });
  const pid = child.pid;
  // Its start time bounds every later search for its tag: no older process can carry it.
  const rootStartTicks = pid === undefined ? 0 : registerWorker(pid, tag);
  if (command.stdin !== undefined) {
    // A worker may exit without reading its stdin: the turn is judged by its exit, not by EPIPE.
    child.stdin?.on("error", () => {});
    child.stdin?.end(command.stdin);
  }

  const parser = backend.parser();
  const stderr = tailBuffer(8_192);
  const stdout = lineSplitter((line) => {
    for (const event of parser.line(line)) feed.event(event);
  });
  child.stdout?.on("data", (chunk: Buffer) => {
    feed.activity();
    stdout.push(chunk);
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    feed.activity();
    const text = chunk.toString("utf8");
    stderr.push(text);
    feed.stderr(text);
  });

  const closed = new Promise<SourceEnd>((resolve) => {
    let spawnError: Error | undefined;
    child.on("error", (error) => {
      spawnError = error;
    });
    child.on("close", (exitCode, signal) => {
      stdout.end();
      resolve({
        exitCode,
        signal,
        startError: spawnError && `could not start ${command.file}: ${spawnError.message}`,
        trailing: () => parser.end({ exitCode, signal, stderrTail: stderr.text() }),
        // The worker is gone; anything it left behind in the tree goes too, before anyone hears of it.
        cleanup:
          pid === undefined
            ? undefined
            : () => sweepAfterExit(pid, tag, rootStartTicks).then(() => unregisterWorker(pid)),
      });
    });
  });

  return {
    pid,
    closed,
    kill: (graceMs) => {
      if (pid === undefined) return Promise.resolve();
      return graceMs <= 0
        ? Promise.resolve(void killTreeNow(pid, tag, rootStartTicks))
        : terminateTree(pid, { graceMs, tag, rootStartTicks });
    },
  };
}
