import type {
  Backend,
  ProcessBackend,
  RunningTurn,
  StopReason,
  TurnCommand,
  TurnContext,
  TurnOutcome,
  TurnParser,
  TurnRequest,
  WorkerEvent,
} from "../backends/types.ts";
import { lineSplitter, tailBuffer } from "../util/lines.ts";

/** Runs one turn with any backend: its own `startTurn`, or one supervised process per turn. */
export function startTurn(backend: Backend, request: TurnRequest, context: TurnContext): RunningTurn {
  if (backend.startTurn) {
    try {
      return backend.startTurn(request, context);
    } catch (error) {
      return settled(`the ${backend.name} backend could not start the turn: ${messageOf(error)}`);
    }
  }
  return startProcessTurn(backend, request, context);
}

function startProcessTurn(backend: ProcessBackend, request: TurnRequest, context: TurnContext): RunningTurn {
  let command: TurnCommand;
  let parser: TurnParser;
  try {
    command = backend.command(request);
    parser = backend.parser();
  } catch (error) {
    return settled(messageOf(error));
  }
  const child = context.supervisor.spawn<StopReason>({
    file: command.file,
    args: command.args,
    cwd: request.cwd,
    env: command.env,
    stdin: command.stdin,
    tag: context.tag,
    timeoutMs: context.turnTimeoutMs,
    stallTimeoutMs: context.stallTimeoutMs,
    killGraceMs: context.killGraceMs,
  });

  const stderr = tailBuffer(8_192);
  let threadId = request.threadId;
  let finalMessage: string | undefined;
  let completed: Extract<WorkerEvent, { type: "turn.completed" }> | undefined;
  let failed: Extract<WorkerEvent, { type: "turn.failed" }> | undefined;
  let parserError: string | undefined;

  const handle = (event: WorkerEvent) => {
    if (event.type === "thread.started") threadId = event.threadId;
    else if (event.type === "item.completed" && event.item.type === "agent_message")
      finalMessage = event.item.text ?? "";
    else if (event.type === "turn.completed") completed = event;
    else if (event.type === "turn.failed") failed ??= event;
    context.onEvent(event);
  };
  /** A parser that throws fails this turn (and stops its process); nothing escapes into stream handlers. */
  const parse = (produce: () => WorkerEvent[]) => {
    if (parserError !== undefined) return;
    let events: WorkerEvent[];
    try {
      events = produce();
    } catch (error) {
      parserError = `the ${backend.name} stream parser failed: ${messageOf(error)}`;
      void child.stop("interrupted");
      return;
    }
    for (const event of events) handle(event);
  };
  const stdout = lineSplitter((line) => parse(() => parser.line(line)));
  child.stdout?.on("data", (chunk: Buffer) => stdout.push(chunk));
  child.stderr?.on("data", (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    stderr.push(text);
    context.onStderr(text);
  });

  const done = child.done.then((exit): TurnOutcome => {
    stdout.end();
    const base = {
      threadId,
      usageIsCumulative: completed?.usageIsCumulative ?? false,
      exitCode: exit.exitCode,
      signal: exit.signal,
      pid: exit.pid,
    };
    if (exit.startError) return { ...base, endReason: "failed", error: exit.startError };
    if (parserError) return { ...base, endReason: "failed", error: parserError, usage: completed?.usage };
    const stoppedFor = exit.stoppedFor;
    if (!stoppedFor && !completed && !failed) {
      const { exitCode, signal } = exit;
      parse(() => parser.end({ exitCode, signal, stderrTail: stderr.text() }));
      if (parserError) return { ...base, endReason: "failed", error: parserError };
    }
    if (stoppedFor) {
      const error = stopText(stoppedFor, context);
      return { ...base, endReason: stoppedFor, finalMessage, usage: completed?.usage, error };
    }
    if (failed) {
      const { message: error, rateLimited, retryAfterMs } = failed;
      return { ...base, endReason: "failed", error, rateLimited, retryAfterMs, usage: completed?.usage };
    }
    return { ...base, endReason: "completed", finalMessage: finalMessage ?? "", usage: completed?.usage };
  });

  return { pid: child.pid, done, stop: (reason, graceMs) => child.stop(reason, graceMs) };
}

function stopText(reason: StopReason, context: TurnContext): string {
  switch (reason) {
    case "timed_out":
      return `the turn exceeded its deadline of ${context.turnTimeoutMs} ms and was killed`;
    case "stalled":
      return `the worker produced no output for ${context.stallTimeoutMs} ms and was killed`;
    default:
      return `the turn was stopped (${reason})`;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function settled(error: string): RunningTurn {
  const outcome: TurnOutcome = {
    endReason: "failed",
    error,
    usageIsCumulative: false,
    exitCode: null,
    signal: null,
  };
  return { pid: undefined, done: Promise.resolve(outcome), stop: () => Promise.resolve() };
}
