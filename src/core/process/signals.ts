export interface SignalHandling {
  /** Kills every process the entry point owns, synchronously. */
  killAll(signal: NodeJS.Signals): void;
  /**
   * Handles the first SIGINT/SIGTERM/SIGHUP itself (e.g. cancel a run and keep partial results).
   * A second signal then kills everything and exits. Absent: the first signal does that.
   */
  graceful?: (signal: NodeJS.Signals) => void;
  /** Exit code after the kill; default 128 + the signal's number (130, 143, 129). */
  exitCode?: (signal: NodeJS.Signals) => number;
}

const SAME_SIGNAL_MS = 1_000;

const SIGNALS = [
  ["SIGINT", 130],
  ["SIGTERM", 143],
  ["SIGHUP", 129],
] as const;

/**
 * Signal handling for a command-line entry point (`baton run`, `baton mcp`); a library never installs
 * any. Returns the function that removes the handlers again; each installation counts its own
 * signals, so a second run in the same process starts with a graceful first Ctrl-C again.
 */
export function handleSignals(handling: SignalHandling): () => void {
  let first: { name: NodeJS.Signals; at: number } | undefined;
  const handlers = SIGNALS.map(([name, code]) => {
    const handler = () => {
      if (handling.graceful && !first) {
        first = { name, at: Date.now() };
        handling.graceful(name);
        return;
      }
      // One Ctrl-C often arrives several times: to the whole foreground process group and again
      // from a wrapper that forwards it (timeout, a shell). A repeat within a second is the same one.
      if (first?.name === name && Date.now() - first.at < SAME_SIGNAL_MS) return;
      handling.killAll(name);
      process.exit(handling.exitCode?.(name) ?? code);
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  return () => {
    for (const [name, handler] of handlers) process.off(name, handler);
  };
}
