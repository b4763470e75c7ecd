import { killTreeNow } from "./kill.ts";
import { ownerAlive, ownerOfTag } from "./owner.ts";
import { taggedProcesses } from "./procfs.ts";

/**
 * Kills worker processes whose owner is gone (its baton process was SIGKILLed or the machine's
 * process table otherwise lost track of them). Only processes carrying baton's tag are candidates,
 * and a tag names its owner by pid AND start time, so a reused pid never protects or condemns anyone.
 * With `tagPrefix`, only tags that start with it are considered (one supervisor's processes).
 */
export function reapOrphans(tagPrefix?: string): number {
  let killed = 0;
  const verdicts = new Map<string, boolean>();
  for (const proc of taggedProcesses((tag) => tagPrefix === undefined || tag.startsWith(tagPrefix))) {
    const owner = ownerOfTag(proc.tag);
    if (owner === undefined) continue;
    let orphan = verdicts.get(owner);
    if (orphan === undefined) {
      orphan = !ownerAlive(owner);
      verdicts.set(owner, orphan);
    }
    if (orphan) killed += killTreeNow(proc.pid, proc.tag);
  }
  return killed;
}
