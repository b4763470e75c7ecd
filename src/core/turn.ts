import { spawn } from "node:child_process";
import type { Backend, TurnRequest, WorkerEvent } from "../backends/types.ts";
import { isBatonError } from "../errors.ts";
import { lineSplitter, tailBuffer } from "../util/lines.ts";
import { killTreeNow, terminateTree, WORKER_TAG_VAR } from "./process-tree.ts";
import { registerWorker, unregisterWorker } from "./registry.ts";
import type { EndReason } from "./status.ts";
import { sweepAfterExit } from "./sweep.ts";
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

/** How a pool starts a turn: `startTurn` here, or a fleet's dispatcher that runs it on a worker. */
export type TurnStarter = (backend: Backend, request: TurnRequest, options: TurnOptions) => RunningTurn;

/** Runs one turn as one process, enforcing its deadline and stall watchdog. */
export function startTurn(backend: Backend, request: TurnRequest, options: TurnOptions): RunningTurn {
  let command: ReturnType<Backend["command"]>;
  try {
    command = backend.command(request);
  } catch (error) {
    const message = isBatonError(error) || error instanceof Error ? error.message : String(error);
    return settled({
      endReason: "failed",
      error: message,
      usageIsCumulative: false,
      exitCode: null,
      signal: null,
    });
  }

  const child = spawn(command.file, command.args, {
    cwd: request.cwd,
    env: { ...(command.env ?? process.env), [WORKER_TAG_VAR]: options.tag },
    detached: true, // own process group: a terminal's Ctrl-C reaches baton, which decides
    stdio: [command.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
  });
  const pid = child.pid;
  // Its start time bounds every later search for its tag: no older process can carry it.
  const rootStartTicks = pid === undefined ? 0 : registerWorker(pid, options.tag);
  if (command.stdin !== undefined) {
    // A worker may exit without reading its stdin: the turn is judged by its exit, not by EPIPE.
    child.stdin?.on("error", () => {});
    child.stdin?.end(command.stdin);
  }

  const parser = backend.parser();
  const stderr = tailBuffer(8_192);
  let stoppedFor: StopReason | undefined;
  let threadId = request.threadId;
  let finalMessage: string | undefined;
  let completed: Extract<WorkerEvent, { type: "turn.completed" }> | undefined;
  let failed: Extract<WorkerEvent, { type: "turn.failed" }> | undefined;
  let lastActivity = Date.now();

  const handle = (event: WorkerEvent) => {
    if (event.type === "thread.started") threadId = event.threadId;
    else if (event.type === "item.completed" && event.item.type === "agent_message")
      finalMessage = event.item.text ?? "";
    else if (event.type === "turn.completed") completed = event;
    else if (event.type === "turn.failed") failed ??= event;
    options.onEvent?.(event);
  };
  const stdout = lineSplitter((line) => {
    for (const event of parser.line(line)) handle(event);
  });
  child.stdout?.on("data", (chunk: Buffer) => {
    lastActivity = Date.now();
    stdout.push(chunk);
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    lastActivity = Date.now();
    const text = chunk.toString("utf8");
    stderr.push(text);
    options.onStderr?.(text);
  });

  const timers: NodeJS.Timeout[] = [];
  let stopping: Promise<void> | undefined;
  const stop = (reason: StopReason, graceMs = options.killGraceMs ?? 2_000): Promise<void> => {
    stoppedFor ??= reason;
    if (pid === undefined) return Promise.resolve();
    stopping ??=
      graceMs <= 0
        ? Promise.resolve(void killTreeNow(pid, options.tag, rootStartTicks))
        : terminateTree(pid, { graceMs, tag: options.tag, rootStartTicks });
    return stopping;
  };
  if (options.turnTimeoutMs && options.turnTimeoutMs > 0) {
    timers.push(setTimeout(() => void stop("timed_out", 500), options.turnTimeoutMs));
  }
  if (options.stallTimeoutMs && options.stallTimeoutMs > 0) {
    const stallMs = options.stallTimeoutMs;
    const tick = Math.max(10, Math.min(1_000, Math.floor(stallMs / 4)));
    timers.push(
      setInterval(() => {
        if (Date.now() - lastActivity >= stallMs) void stop("stalled", 500);
      }, tick),
    );
  }

  const done = new Promise<TurnOutcome>((resolve) => {
    let spawnError: Error | undefined;
    child.on("error", (error) => {
      spawnError = error;
    });
    child.on("close", (exitCode, signal) => {
      for (const t of timers) clearTimeout(t);
      stdout.end();
      if (!stoppedFor && !completed && !failed) {
        for (const event of parser.end({ exitCode, signal, stderrTail: stderr.text() })) handle(event);
      }
      const base = {
        threadId,
        usageIsCumulative: completed?.usageIsCumulative ?? false,
        exitCode,
        signal,
        pid,
      };
      let outcome: TurnOutcome;
      if (spawnError) {
        outcome = {
          ...base,
          endReason: "failed",
          error: `could not start ${command.file}: ${spawnError.message}`,
        };
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
      if (pid === undefined) return resolve(outcome);
      // The worker is gone; anything it left behind in the tree goes too, before anyone hears of it.
      void sweepAfterExit(pid, options.tag, rootStartTicks).then(() => {
        unregisterWorker(pid);
        resolve(outcome);
      });
    });
  });

  return { pid, done, stop };
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
