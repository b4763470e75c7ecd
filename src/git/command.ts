import { spawn } from "node:child_process";
import { killTreeNow, terminateTree, WORKER_TAG_VAR } from "../core/process-tree.ts";
import { newTagPrefix, registerWorker, unregisterWorker } from "../core/registry.ts";

export interface UserCommandResult {
  code: number | null;
  /** The last 8 KB of stdout and stderr, interleaved. */
  output: string;
  timedOut: boolean;
  cancelled: boolean;
}

export interface UserCommandOptions {
  cwd: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Names the process in baton's tag (what `baton status`/the reaper see), e.g. `agent-2:verify`. */
  name: string;
}

const OUTPUT_TAIL = 8_192;

/**
 * Runs a command string the user gave (`--setup`, `--verify`) with `sh -c`, because users write
 * shell (`npm ci && cp x y`); baton's own git commands never go through a shell. The process tree
 * carries baton's worker tag, so a crash of baton or a timeout kills all of it.
 */
export function runUserCommand(command: string, options: UserCommandOptions): Promise<UserCommandResult> {
  const tag = `${newTagPrefix()}:${options.name}`;
  return new Promise((done) => {
    const child = spawn("sh", ["-c", command], {
      cwd: options.cwd,
      env: { ...process.env, [WORKER_TAG_VAR]: tag },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const pid = child.pid;
    if (pid !== undefined) registerWorker(pid, tag);
    let output = "";
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-OUTPUT_TAIL);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    let timedOut = false;
    let cancelled = false;
    const stop = () => {
      if (pid !== undefined) void terminateTree(pid, { graceMs: 1_000, tag });
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs);
    const onAbort = () => {
      cancelled = true;
      stop();
    };
    options.signal?.addEventListener("abort", onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
    child.on("error", (error) => keep(Buffer.from(`${error.message}\n`)));
    // Whatever the command left running in the background (it still carries the tag) goes with it.
    child.on("exit", () => {
      if (pid !== undefined) killTreeNow(pid, tag);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      if (pid !== undefined) unregisterWorker(pid);
      done({ code, output, timedOut, cancelled });
    });
  });
}

/** One line saying why a user command failed, with the end of its output. */
export function describeFailure(
  what: string,
  command: string,
  r: UserCommandResult,
  timeoutMs: number,
): string {
  const how = r.cancelled
    ? "was cancelled"
    : r.timedOut
      ? `did not finish within ${timeoutMs} ms`
      : `exited with code ${r.code}`;
  const tail = r.output.trim().split("\n").slice(-5).join(" | ");
  return `${what} "${command}" ${how}${tail ? `: ${tail}` : ""}`;
}
