import { killTreeNow, readProc } from "./process-tree.ts";
import { ensureSidecar } from "./reaper/sidecar-client.ts";

/**
 * Process-wide registry of live worker processes. Whatever happens to the owning process — normal
 * exit, uncaught exception, SIGINT, SIGTERM, SIGHUP — every registered worker tree is killed. For
 * SIGKILL (no handler can run) a sidecar process notices the owner's death and kills them.
 */

const live = new Map<number, { tag: string; startTicks: number }>(); // pid → worker tag
let graceful: ((signal: NodeJS.Signals) => void) | undefined;
let signalled = false;
let first: { sig: NodeJS.Signals; at: number } | undefined;
const SAME_SIGNAL_MS = 1_000;
let installed = false;

const self = readProc(process.pid);
/** Identifies this process uniquely (pid + start time), so a reused pid is never mistaken for us. */
export const OWNER_ID = `${process.pid}.${self?.startTicks ?? 0}`;

let poolSeq = 0;

/** A prefix unique to one pool of this process, so equal agent ids in two pools never share a tag. */
export function newTagPrefix(): string {
  poolSeq += 1;
  return `${OWNER_ID}:p${poolSeq}`;
}

/** Tracks a worker until it is unregistered; returns its start time (see killTreeNow). */
export function registerWorker(pid: number, tag: string): number {
  install();
  const startTicks = readProc(pid)?.startTicks ?? 0;
  live.set(pid, { tag, startTicks });
  ensureSidecar();
  return startTicks;
}

export function unregisterWorker(pid: number): void {
  live.delete(pid);
}

/**
 * Lets the owner handle the first SIGINT/SIGTERM/SIGHUP itself (e.g. cancel a run, keep partial
 * results, then exit). A second signal kills every worker at once and exits.
 */
export function setGracefulSignalHandler(handler: ((signal: NodeJS.Signals) => void) | undefined): void {
  graceful = handler;
  install();
}

export function killAllWorkersNow(): void {
  for (const [pid, { tag, startTicks }] of live) killTreeNow(pid, tag, startTicks);
  live.clear();
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on("exit", killAllWorkersNow);
  for (const [sig, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
    ["SIGHUP", 129],
  ] as const) {
    process.on(sig, () => {
      if (graceful && !signalled) {
        signalled = true;
        first = { sig, at: Date.now() };
        graceful(sig);
        return;
      }
      // One Ctrl-C often arrives several times: to the whole foreground process group and again
      // from a wrapper that forwards it (timeout, a shell). A repeat within a second is the same one.
      if (first?.sig === sig && Date.now() - first.at < SAME_SIGNAL_MS) return;
      killAllWorkersNow();
      process.exit(code);
    });
  }
}
