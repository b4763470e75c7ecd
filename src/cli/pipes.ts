/**
 * A closed pipe on stdout or stderr (`baton status | head -1`, a `| tee` killed by Ctrl-C) ends
 * output quietly, as git does, instead of an EPIPE stack trace. stderr is simply muted. A closed
 * stdout ends the command at once (exit 141, the shell's code for a SIGPIPE death), except while
 * a run is in progress: its record and graceful end matter more than its printed summary.
 */
let onBrokenStdout: () => void = () => process.exit(141);

export function guardPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE" && error.code !== "ERR_STREAM_DESTROYED") throw error;
      mute(stream);
      if (stream === process.stdout) onBrokenStdout();
    });
  }
}

/** While `work` runs, a closed stdout only mutes it. */
export async function keepRunningOnBrokenStdout<T>(work: () => Promise<T>): Promise<T> {
  const before = onBrokenStdout;
  onBrokenStdout = () => {};
  try {
    return await work();
  } finally {
    onBrokenStdout = before;
  }
}

function mute(stream: NodeJS.WriteStream): void {
  stream.write = ((...args: unknown[]) => {
    const callback = args.find((a) => typeof a === "function") as (() => void) | undefined;
    callback?.();
    return true;
  }) as typeof stream.write;
}
