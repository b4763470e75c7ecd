import { descendantsOf, killTreeNow, snapshot, taggedProcesses } from "./process-tree.ts";

interface Exited {
  pid: number;
  tag: string;
  startTicks: number;
  done: () => void;
}

let pending: Exited[] = [];

/**
 * After a worker exits, kills whatever it left behind (children re-parented to init, shells in their
 * own session). Workers that exit in the same event-loop turn share one pass over the process table:
 * with many short workers, one sweep per exit would dominate baton's CPU.
 */
export function sweepAfterExit(pid: number, tag: string, startTicks: number): Promise<void> {
  return new Promise((done) => {
    pending.push({ pid, tag, startTicks, done });
    if (pending.length === 1) setImmediate(sweep);
  });
}

function sweep(): void {
  const batch = pending;
  pending = [];
  const table = snapshot();
  const byTag = new Map(batch.map((b) => [b.tag, b]));
  const survivors = new Set<Exited>();
  for (const b of batch) if (descendantsOf(b.pid, table).some((p) => p.state !== "Z")) survivors.add(b);
  const oldest = Math.min(...batch.map((b) => b.startTicks));
  for (const p of taggedProcesses((t) => byTag.has(t), oldest, table)) survivors.add(byTag.get(p.tag)!);
  // Only trees where something is left get the full stop-and-kill treatment.
  for (const b of survivors) killTreeNow(b.pid, b.tag, b.startTicks);
  for (const b of batch) b.done();
}
