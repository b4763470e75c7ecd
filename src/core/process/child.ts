import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import type { Readable, Writable } from "node:stream";
import { POOL_DEFAULTS } from "../defaults.ts";
import { killTreeNow, terminateTree } from "./kill.ts";
import { WORKER_TAG_VAR } from "./procfs.ts";
import { watchdog } from "./watchdog.ts";

/** What to start, and the limits it runs under. */
export interface ChildSpec {
  file: string;
  args: readonly string[];
  cwd: string;
  /** Default: process.env. The tag variable is always added. */
  env?: NodeJS.ProcessEnv;
  /** Text written to stdin, which is then closed. Absent: stdin is closed at once (unless `keepStdinOpen`). */
  stdin?: string;
  /** Leave stdin open for the caller to write to (a long-lived server speaking over its pipes). */
  keepStdinOpen?: boolean;
  /**
   * A program the user drives (`baton attach`): it gets the terminal (stdio inherited) and stays in
   * its process group, so the keyboard's signals reach it; still tagged, tracked and killed like the rest.
   */
  terminal?: boolean;
  /** Carried by every process of the tree (BATON_WORKER), so re-parented descendants are found too. */
  tag: string;
  /** Whole-run deadline; stops the tree with `timed_out`. 0 or absent: none. */
  timeoutMs?: number;
  /** No stdout or stderr output for this long stops the tree with `stalled`. 0 or absent: off. */
  stallTimeoutMs?: number;
  /** SIGTERM → SIGKILL grace of `stop` without an explicit grace. */
  killGraceMs?: number;
  /** Aborting stops the tree with `cancelled`. */
  signal?: AbortSignal;
}

/** How a supervised process ended. */
export interface ChildExit<R extends string> {
  pid?: number;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all, saying why in words. */
  startError?: string;
  /** Set when baton stopped it before it exited by itself; the first reason wins. */
  stoppedFor?: R | WatchdogReason;
}

export type WatchdogReason = "timed_out" | "stalled" | "cancelled";

export interface SupervisedChild<R extends string> {
  readonly pid: number | undefined;
  /** The process's start time in clock ticks (0 if unknown): everything it starts is younger. */
  readonly startTicks: number;
  /** Open only with `keepStdinOpen`. */
  readonly stdin: Writable | null;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  /**
   * Stops the whole tree (SIGTERM, SIGKILL after the grace); resolves when it is gone. A process that
   * already exited by itself keeps its own outcome: a stop that races a natural exit changes nothing.
   */
  stop(reason: R, graceMs?: number): Promise<void>;
  /** Resolves once the process exited, whatever it left behind was killed, and its output was read. */
  readonly done: Promise<ChildExit<R | WatchdogReason>>;
}

/** The supervisor's side of a child: tracking and the after-exit sweep. */
export interface ChildHooks {
  register(pid: number, tag: string): number;
  unregister(pid: number): void;
  afterExit(pid: number, tag: string, startTicks: number): Promise<void>;
}

/** Starts one process tree under supervision (see Supervisor.spawn). Never throws. */
export function startChild<R extends string>(spec: ChildSpec, hooks: ChildHooks): SupervisedChild<R> {
  let child: ReturnType<typeof spawn>;
  try {
    child = spawn(spec.file, [...spec.args], {
      cwd: spec.cwd,
      env: { ...(spec.env ?? process.env), [WORKER_TAG_VAR]: spec.tag },
      detached: !spec.terminal, // own process group: a terminal's Ctrl-C reaches baton, which decides
      stdio: spec.terminal
        ? "inherit"
        : [spec.stdin === undefined && !spec.keepStdinOpen ? "ignore" : "pipe", "pipe", "pipe"],
    });
  } catch (error) {
    return failedStart(startErrorText(spec, error));
  }
  const pid = child.pid;
  // Its start time bounds every later search for its tag: no older process can carry it.
  const startTicks = pid === undefined ? 0 : hooks.register(pid, spec.tag);
  if (spec.stdin !== undefined) {
    // A process may exit without reading its stdin: it is judged by its exit, not by EPIPE.
    child.stdin?.on("error", () => {});
    child.stdin?.end(spec.stdin);
  }

  let exited = false;
  let stoppedFor: R | WatchdogReason | undefined;
  let stopping: Promise<void> | undefined;
  const stopTree = (reason: R | WatchdogReason, graceMs: number): Promise<void> => {
    if (exited || pid === undefined) return stopping ?? Promise.resolve();
    stoppedFor ??= reason;
    // A later stop without grace (an aborted close) does not wait out the first one's grace.
    if (stopping && graceMs <= 0) killTreeNow(pid, spec.tag, startTicks);
    stopping ??=
      graceMs <= 0
        ? Promise.resolve(void killTreeNow(pid, spec.tag, startTicks))
        : terminateTree(pid, { graceMs, tag: spec.tag, rootStartTicks: startTicks });
    return stopping;
  };
  const watch = watchdog(
    { timeoutMs: spec.timeoutMs, stallTimeoutMs: spec.stallTimeoutMs },
    (reason, grace) => stopTree(reason, grace),
  );
  child.stdout?.on("data", watch.touch);
  child.stderr?.on("data", watch.touch);

  const onAbort = () => void stopTree("cancelled", spec.killGraceMs ?? POOL_DEFAULTS.killGraceMs);
  spec.signal?.addEventListener("abort", onAbort, { once: true });
  if (spec.signal?.aborted) onAbort();

  const done = new Promise<ChildExit<R | WatchdogReason>>((resolve) => {
    let closed = false;
    const closedOnce = new Promise<void>((resolveClosed) =>
      child.once("close", () => {
        closed = true;
        resolveClosed();
      }),
    );
    const cleanUp = () => {
      exited = true;
      watch.clear();
      spec.signal?.removeEventListener("abort", onAbort);
    };
    child.once("error", (error) => {
      if (child.pid !== undefined) return; // a failed kill or write; the exit still comes
      cleanUp();
      resolve({ exitCode: null, signal: null, startError: startErrorText(spec, error) });
    });
    child.once("exit", (exitCode, signal) => {
      cleanUp();
      if (pid === undefined) return;
      // Sweep on exit, not on close: a daemon the process left holding its stdout would keep the
      // pipe open (and `close` away) for as long as it lives.
      void hooks
        .afterExit(pid, spec.tag, startTicks)
        .then(() => drained(closedOnce, () => closed))
        .then(() => {
          if (!closed) {
            child.stdout?.destroy();
            child.stderr?.destroy();
          }
          hooks.unregister(pid);
          resolve({ pid, exitCode, signal, stoppedFor });
        });
    });
  });

  return {
    pid,
    startTicks,
    stdin: spec.keepStdinOpen ? child.stdin : null,
    stdout: child.stdout,
    stderr: child.stderr,
    stop: (reason, graceMs) => stopTree(reason, graceMs ?? spec.killGraceMs ?? POOL_DEFAULTS.killGraceMs),
    done,
  };
}

/** Waits for `close` at most POOL_DEFAULTS.pipeDrainMs (an untagged stranger may hold the pipe). */
function drained(closedOnce: Promise<void>, isClosed: () => boolean): Promise<void> {
  if (isClosed()) return Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, POOL_DEFAULTS.pipeDrainMs);
  });
  return Promise.race([closedOnce, bound]).finally(() => clearTimeout(timer));
}

function failedStart<R extends string>(why: string): SupervisedChild<R> {
  return {
    pid: undefined,
    startTicks: 0,
    stdin: null,
    stdout: null,
    stderr: null,
    stop: () => Promise.resolve(),
    done: Promise.resolve({ exitCode: null, signal: null, startError: why }),
  };
}

/** Why a process could not start, naming the input that is wrong. */
function startErrorText(spec: ChildSpec, error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  const message = e instanceof Error ? e.message : String(error);
  if (e?.code === "ERR_INVALID_ARG_VALUE" && /null bytes/.test(message))
    return `could not start ${spec.file}: an argument or environment value contains a NUL byte, which no process can receive`;
  if (e?.code === "ENOENT" && !existsSync(spec.cwd))
    return `could not start ${spec.file}: the working directory ${spec.cwd} does not exist`;
  if (e?.code === "ENOENT") return `could not start ${spec.file}: no such file or command (ENOENT)`;
  if (e?.code === "EACCES") return `could not start ${spec.file}: permission denied (EACCES)`;
  return `could not start ${spec.file}: ${message}`;
}
