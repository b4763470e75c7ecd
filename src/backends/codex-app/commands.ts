import { taggedProcesses } from "../../core/process/procfs.ts";

/**
 * The commands of one thread. Every process a thread's commands start carries the thread's tag (set
 * through `shell_environment_policy.set` at `thread/start`), also after it is re-parented or has left
 * the app-server's session, so a thread's commands can be stopped without touching the shared server.
 * `since` (clock ticks) skips older processes unread: none older than the server can be a command of it.
 */
export function signalThread(tag: string, since: number, signal: NodeJS.Signals): number {
  const found = taggedProcesses((t) => t === tag, since);
  for (const p of found) send(p.pid, signal);
  return found.length;
}

/** Stops then kills every process of the thread, repeating until none is left (a shell may fork meanwhile). */
export function killThread(tag: string, since: number): void {
  for (let round = 0; round < 20; round++) {
    const found = taggedProcesses((t) => t === tag, since);
    if (found.length === 0) return;
    for (const p of found) send(p.pid, "SIGSTOP");
    for (const p of found) send(p.pid, "SIGKILL");
  }
}

function send(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}
