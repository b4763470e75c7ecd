import {
  type Backend,
  type BackendSession,
  isSessionBackend,
  type TurnRequest,
  type WorkerEvent,
} from "../backends/types.ts";
import { isBatonError } from "../errors.ts";
import { POOL_DEFAULTS } from "./defaults.ts";
import type { Supervisor } from "./process/supervisor.ts";
import { watchdog } from "./process/watchdog.ts";
import type { EndReason } from "./status.ts";
import { processSource } from "./turn-process.ts";
import type { TurnFeed, TurnSource } from "./turn-source.ts";
import type { Usage } from "./usage.ts";

/** Why a turn was stopped from outside. */
export type StopReason = Exclude<EndReason, "completed" | "failed">;

export interface TurnOutcome {
  endReason: EndReason;
  finalMessage?: string;
  error?: string;
  threadId?: string;
  usage?: Usage;
  usageIsCumulative: boolean;
  rateLimited?: boolean;
  retryAfterMs?: number;
  exitCode: number | null;
  signal: string | null;
  pid?: number;
}

export interface TurnOptions {
  /** Starts the turn's process (process backends). */
  supervisor: Supervisor;
  tag: string;
  /** Whole-turn deadline; 0 or undefined = none. */
  turnTimeoutMs?: number;
  /** Kill the turn when the worker emits nothing (stdout or stderr) for this long; 0 or undefined = off. */
  stallTimeoutMs?: number;
  /** Grace between SIGTERM and SIGKILL when a turn is stopped. */
  killGraceMs?: number;
  onEvent?: (event: WorkerEvent) => void;
  onStderr?: (text: string) => void;
}

export interface RunningTurn {
  readonly pid: number | undefined;
  readonly done: Promise<TurnOutcome>;
  /** Stops the turn; its outcome then has this end reason. Resolves when the whole tree is gone. */
  stop(reason: StopReason, graceMs?: number): Promise<void>;
}

/**
 * Runs `work` (a stop of `turn` and the wait for its end); when `signal` aborts meanwhile, or had
 * already, the turn is killed at once instead of after its grace. What `close(id, {signal})` does.
 */
export async function killAtOnceOnAbort<T>(
  turn: RunningTurn | undefined,
  signal: AbortSignal | undefined,
  work: () => Promise<T>,
): Promise<T> {
  const running = work();
  const hurry = () => void turn?.stop("closed", 0);
  if (signal?.aborted) hurry();
  else signal?.addEventListener("abort", hurry, { once: true });
  try {
    return await running;
  } finally {
    signal?.removeEventListener("abort", hurry);
  }
}

/** How a pool starts a turn: `startTurn` here, or a fleet's dispatcher that runs it on a worker. */
export type TurnStarter = typeof startTurn;

/**
 * Runs one turn, enforcing its deadline and stall watchdog: as its own process for a process backend
 * (turn-process.ts), or as a request on the session's long-lived process for a session backend.
 */
export function startTurn(
  backend: Backend,
  request: TurnRequest,
  options: TurnOptions,
  session?: BackendSession,
): RunningTurn {
  if (isSessionBackend(backend) !== (session !== undefined)) {
    throw new Error(`startTurn: backend "${backend.name}" and session do not match`);
  }
  return supervise(request, options, (feed) =>
    isSessionBackend(backend)
      ? sessionSource(session!, request, options.tag, feed)
      : processSource(backend, request, options.supervisor, options.tag, feed),
  );
}

function supervise(
  request: TurnRequest,
  options: TurnOptions,
  open: (feed: TurnFeed) => TurnSource,
): RunningTurn {
  let stoppedFor: StopReason | undefined;
  let threadId = request.threadId;
  let finalMessage: string | undefined;
  let completed: Extract<WorkerEvent, { type: "turn.completed" }> | undefined;
  let failed: Extract<WorkerEvent, { type: "turn.failed" }> | undefined;

  const handle = (event: WorkerEvent) => {
    if (event.type === "thread.started") threadId = event.threadId;
    else if (event.type === "item.completed" && event.item.type === "agent_message")
      finalMessage = event.item.text ?? "";
    else if (event.type === "turn.completed") completed = event;
    else if (event.type === "turn.failed") failed ??= event;
    options.onEvent?.(event);
  };
  let source: TurnSource | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (
    reason: StopReason,
    graceMs = options.killGraceMs ?? POOL_DEFAULTS.killGraceMs,
  ): Promise<void> => {
    // A stop that races the turn's own end (its terminal event is in) does not change how it ended.
    if (!completed && !failed) stoppedFor ??= reason;
    // A second stop without grace hurries the first (the source kills at once); the end stays the first's.
    if (stopping && graceMs <= 0) void source?.kill(0);
    stopping ??= source?.kill(graceMs) ?? Promise.resolve();
    return stopping;
  };
  const watch = watchdog(
    { timeoutMs: options.turnTimeoutMs, stallTimeoutMs: options.stallTimeoutMs },
    (reason, grace) => void stop(reason, grace),
  );

  try {
    source = open({
      event: handle,
      activity: () => watch.touch(),
      stderr: (text) => options.onStderr?.(text),
    });
  } catch (error) {
    watch.clear();
    const message = isBatonError(error) || error instanceof Error ? error.message : String(error);
    return settled({
      endReason: "failed",
      error: message,
      usageIsCumulative: false,
      exitCode: null,
      signal: null,
    });
  }
  const pid = source.pid;
  const opened = source;

  const done = opened.closed.then(async (end): Promise<TurnOutcome> => {
    watch.clear();
    if (!stoppedFor && !completed && !failed && !end.startError)
      for (const event of end.trailing()) handle(event);
    const base = {
      threadId,
      usageIsCumulative: completed?.usageIsCumulative ?? false,
      exitCode: end.exitCode,
      signal: end.signal,
      pid,
    };
    let outcome: TurnOutcome;
    if (end.startError) {
      outcome = { ...base, endReason: "failed", error: end.startError };
    } else if (stoppedFor) {
      const error = stopText(stoppedFor, options);
      outcome = { ...base, endReason: stoppedFor, finalMessage, usage: completed?.usage, error };
    } else if (failed) {
      const { message: error, rateLimited, retryAfterMs } = failed;
      outcome = { ...base, endReason: "failed", error, rateLimited, retryAfterMs, usage: completed?.usage };
    } else {
      outcome = {
        ...base,
        endReason: "completed",
        finalMessage: finalMessage ?? "",
        usage: completed?.usage,
      };
    }
    await end.cleanup?.();
    return outcome;
  });

  return { pid, done, stop };
}

/** A turn as a request on a session backend's long-lived process. */
function sessionSource(
  session: BackendSession,
  request: TurnRequest,
  tag: string,
  feed: TurnFeed,
): TurnSource {
  const turn = session.startTurn(request, {
    tag,
    onEvent: (event) => {
      feed.activity();
      feed.event(event);
    },
    onStderr: (text) => {
      feed.activity();
      feed.stderr(text);
    },
    onActivity: feed.activity,
  });
  return {
    pid: turn.pid,
    closed: turn.ended.then(() => ({
      exitCode: null,
      signal: null,
      trailing: () => [{ type: "turn.failed", message: "the session ended the turn without a result" }],
    })),
    kill: (graceMs) => turn.stop(graceMs),
  };
}

function stopText(reason: StopReason, options: TurnOptions): string {
  switch (reason) {
    case "timed_out":
      return `the turn exceeded its deadline of ${options.turnTimeoutMs} ms and was killed`;
    case "stalled":
      return `the worker produced no output for ${options.stallTimeoutMs} ms and was killed`;
    default:
      return `the turn was stopped (${reason})`;
  }
}

function settled(outcome: TurnOutcome): RunningTurn {
  return { pid: undefined, done: Promise.resolve(outcome), stop: () => Promise.resolve() };
}
