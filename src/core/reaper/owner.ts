import { readProc } from "../process-tree.ts";

/** Tags look like `<ownerPid>.<ownerStartTicks>:<agentId>`. */
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
