import { readProc } from "./procfs.ts";

let self: string | undefined;

/**
 * Identifies this process uniquely (pid + start time), so a reused pid is never mistaken for it.
 * Read from /proc on first use, never at import time.
 */
export function ownerId(): string {
  self ??= `${process.pid}.${readProc(process.pid)?.startTicks ?? 0}`;
  return self;
}

/** Tags look like `<ownerPid>.<ownerStartTicks>:<scope>:<name>…`. */
export function ownerOfTag(tag: string): string | undefined {
  const owner = tag.split(":", 1)[0];
  return owner && /^\d+\.\d+$/.test(owner) ? owner : undefined;
}

/** True when the process `<pid>.<startTicks>` still runs (a reused pid has another start time). */
export function ownerAlive(owner: string): boolean {
  const [pid, start] = owner.split(".").map(Number);
  const info = readProc(pid!);
  return info !== undefined && info.state !== "Z" && info.startTicks === start;
}
