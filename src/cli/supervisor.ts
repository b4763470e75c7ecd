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
