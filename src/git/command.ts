import { Supervisor } from "../core/process/supervisor.ts";

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
  /** The owner of the process. Default: one for this command alone. */
  supervisor?: Supervisor;
}

const OUTPUT_TAIL = 8_192;

/**
 * Runs a command string the user gave (`--setup`, `--verify`) with `sh -c`, because users write
 * shell (`npm ci && cp x y`); baton's own git commands never go through a shell. The process tree
 * carries baton's worker tag and runs under a supervisor, so a crash of baton, a timeout or a cancel
 * kills all of it, and whatever it left running in the background goes when it exits.
 */
export async function runUserCommand(
  command: string,
  options: UserCommandOptions,
): Promise<UserCommandResult> {
  const supervisor = options.supervisor ?? new Supervisor();
  try {
    const child = supervisor.spawn({
      file: "sh",
      args: ["-c", command],
      cwd: options.cwd,
      tag: `${supervisor.scope()}:${options.name}`,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
    });
    let output = "";
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-OUTPUT_TAIL);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    const exit = await child.done;
    if (exit.startError) keep(Buffer.from(`${exit.startError}\n`));
    return {
      code: exit.exitCode,
      output,
      timedOut: exit.stoppedFor === "timed_out",
      cancelled: exit.stoppedFor === "cancelled",
    };
  } finally {
    if (!options.supervisor) supervisor.dispose();
  }
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
