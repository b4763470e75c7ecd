import type { ProcessBackend, TurnRequest, WorkerEvent } from "../backends/types.ts";
import { lineSplitter, tailBuffer } from "../util/lines.ts";
import type { Supervisor } from "./process/supervisor.ts";
import type { TurnFeed, TurnSource } from "./turn-source.ts";

/**
 * A turn as one process of a process backend, started by the supervisor (tagged, swept on exit, its
 * whole tree killed on stop). A parser that throws fails the turn and stops the process; nothing escapes
 * into the stream handlers.
 */
export function processSource(
  backend: ProcessBackend,
  request: TurnRequest,
  supervisor: Supervisor,
  tag: string,
  feed: TurnFeed,
): TurnSource {
  const command = backend.command(request);
  const parser = backend.parser();
  const child = supervisor.spawn<"failed">({
    file: command.file,
    args: command.args,
    cwd: request.cwd,
    env: command.env,
    stdin: command.stdin,
    tag,
  });
  let parserFailed = false;
  const parse = (produce: () => WorkerEvent[]): WorkerEvent[] => {
    if (parserFailed) return [];
    try {
      return produce();
    } catch (error) {
      parserFailed = true;
      void child.stop("failed");
      const why = error instanceof Error ? error.message : String(error);
      return [{ type: "turn.failed", message: `the ${backend.name} stream parser failed: ${why}` }];
    }
  };

  const stderr = tailBuffer(8_192);
  const stdout = lineSplitter((line) => {
    for (const event of parse(() => parser.line(line))) feed.event(event);
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

  return {
    pid: child.pid,
    closed: child.done.then((exit) => {
      stdout.end();
      const { exitCode, signal } = exit;
      return {
        exitCode,
        signal,
        startError: exit.startError,
        trailing: () => parse(() => parser.end({ exitCode, signal, stderrTail: stderr.text() })),
      };
    }),
    kill: (graceMs) => child.stop("failed", graceMs),
  };
}
