import { descendantsOf, isAlive, snapshot, taggedProcesses } from "./procfs.ts";

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/**
 * Kills a worker and everything it started, synchronously: stop the whole tree first (so nothing can
 * fork while we collect), then SIGKILL, and repeat until no member is left. `tag` also catches
 * descendants that were re-parented away from the tree.
 */
export function killTreeNow(rootPid: number, tag?: string, rootStartTicks = 0): number {
  let killed = 0;
  for (let round = 0; round < 20; round++) {
    const table = snapshot();
    const members = descendantsOf(rootPid, table);
    const root = table.find((p) => p.pid === rootPid && p.state !== "Z");
    if (root) members.push(root);
    if (tag !== undefined) {
      const known = new Set(members.map((p) => p.pid));
      for (const p of taggedProcesses((t) => t === tag, rootStartTicks, table))
        if (!known.has(p.pid)) members.push(p);
    }
    const live = members.filter((p) => p.state !== "Z" && p.pid !== process.pid);
    if (live.length === 0) break;
    for (const p of live) signal(p.pid, "SIGSTOP");
    for (const p of live) signal(p.pid, "SIGKILL");
    killed += live.length;
  }
  return killed;
}

/** Polite first: SIGTERM to the group and its descendants, then `killTreeNow` after `graceMs`. */
export async function terminateTree(
  rootPid: number,
  options: { graceMs: number; tag?: string; rootStartTicks?: number },
): Promise<void> {
  const members = descendantsOf(rootPid);
  signal(-rootPid, "SIGTERM");
  for (const p of members) signal(p.pid, "SIGTERM");
  const deadline = Date.now() + options.graceMs;
  while (Date.now() < deadline && (isAlive(rootPid) || members.some((p) => isAlive(p.pid)))) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  killTreeNow(rootPid, options.tag, options.rootStartTicks);
}
