import { handleSignals } from "../core/process/signals.ts";
import { Supervisor } from "../core/process/supervisor.ts";

let shared: Supervisor | undefined;

/**
 * The one supervisor of a `baton` command's process. The CLI is the application, so it may keep
 * one; the library never does (each Pool owns or is given its own).
 */
export function cliSupervisor(): Supervisor {
  shared ??= new Supervisor();
  return shared;
}

/** Kills every process the command started, synchronously (last-resort and second-signal paths). */
export function killCliWorkers(): void {
  shared?.killAll();
}

/**
 * Ctrl-C for a command that runs workers: the first says `stopping <what>` and aborts the returned
 * controller (the workers stop, partial results are kept); a second kills everything at once.
 * `remove()` takes the handlers away again.
 */
export function stopOnSignals(what: string): { controller: AbortController; remove: () => void } {
  const controller = new AbortController();
  const remove = handleSignals({
    killAll: killCliWorkers,
    graceful: () => {
      process.stderr.write(`\nbaton: stopping ${what} (Ctrl-C again to kill at once)…\n`);
      controller.abort();
    },
  });
  return { controller, remove };
}
