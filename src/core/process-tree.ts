import { readdirSync, readFileSync } from "node:fs";

/**
 * Linux process-table helpers. A worker (codex, claude, …) starts shells that may put themselves in
 * their own session or process group, so killing the worker's group is not enough: we also collect
 * every descendant through /proc, and every process that carries the worker's environment tag
 * (descendants keep it even after being re-parented to init).
 */

export const WORKER_TAG_VAR = "BATON_WORKER";

export interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
  /** Start time in clock ticks since boot; with the pid it identifies a process uniquely. */
  startTicks: number;
  state: string;
}

export function readProc(pid: number): ProcInfo | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name is in parentheses and may contain spaces or parentheses itself.
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return {
    pid,
    state: rest[0] ?? "?",
    ppid: Number(rest[1]),
    pgid: Number(rest[2]),
    startTicks: Number(rest[19]),
  };
}

export function listPids(): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

export function isAlive(pid: number): boolean {
  const info = readProc(pid);
  return info !== undefined && info.state !== "Z" && info.state !== "X";
}

/** The value of one environment variable of a live process, if readable. */
export function readEnvVar(pid: number, name: string): string | undefined {
  let environ: string;
  try {
    environ = readFileSync(`/proc/${pid}/environ`, "latin1");
  } catch {
    return undefined;
  }
  const prefix = `${name}=`;
  for (const entry of environ.split("\0")) if (entry.startsWith(prefix)) return entry.slice(prefix.length);
  return undefined;
}

/** Every live descendant of `rootPid` (not including it), found by walking parent links. */
export function descendantsOf(rootPid: number, table: ProcInfo[] = snapshot()): ProcInfo[] {
  const children = new Map<number, ProcInfo[]>();
  for (const p of table) {
    const list = children.get(p.ppid);
    if (list) list.push(p);
    else children.set(p.ppid, [p]);
  }
  const out: ProcInfo[] = [];
  const stack = [rootPid];
  while (stack.length > 0) {
    for (const child of children.get(stack.pop()!) ?? []) {
      out.push(child);
      stack.push(child.pid);
    }
  }
  return out;
}

export function snapshot(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const pid of listPids()) {
    const info = readProc(pid);
    if (info) out.push(info);
  }
  return out;
}

/** Live processes whose environment tag satisfies `accept` (the tag is inherited by every descendant). */
export function taggedProcesses(accept: (tag: string) => boolean): (ProcInfo & { tag: string })[] {
  const self = process.pid;
  const out: (ProcInfo & { tag: string })[] = [];
  for (const pid of listPids()) {
    if (pid === self) continue;
    const tag = readEnvVar(pid, WORKER_TAG_VAR);
    if (tag === undefined || !accept(tag)) continue;
    const info = readProc(pid);
    if (info && info.state !== "Z") out.push({ ...info, tag });
  }
  return out;
}

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
export function killTreeNow(rootPid: number, tag?: string): number {
  let killed = 0;
  for (let round = 0; round < 20; round++) {
    const table = snapshot();
    const members = descendantsOf(rootPid, table);
    const root = table.find((p) => p.pid === rootPid && p.state !== "Z");
    if (root) members.push(root);
    if (tag !== undefined) {
      const known = new Set(members.map((p) => p.pid));
      for (const p of taggedProcesses((t) => t === tag)) if (!known.has(p.pid)) members.push(p);
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
  options: { graceMs: number; tag?: string },
): Promise<void> {
  const members = descendantsOf(rootPid);
  signal(-rootPid, "SIGTERM");
  for (const p of members) signal(p.pid, "SIGTERM");
  const deadline = Date.now() + options.graceMs;
  while (Date.now() < deadline && (isAlive(rootPid) || members.some((p) => isAlive(p.pid)))) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  killTreeNow(rootPid, options.tag);
}
