import { closeSync, openSync, readdirSync, readSync } from "node:fs";

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

/**
 * Reads small /proc files into one buffer it reuses. /proc files report size 0, so readFileSync would
 * allocate a fresh 64 KiB buffer per file: megabytes of garbage per sweep of the process table. Owned
 * by whoever reads (a Supervisor, one snapshot of the table), never shared through the module.
 */
export class ProcReader {
  #buffer = Buffer.allocUnsafe(2 * 1024);

  text(path: string, encoding: "utf8" | "latin1"): string | undefined {
    let fd: number;
    try {
      fd = openSync(path, "r");
    } catch {
      return undefined;
    }
    try {
      let length = 0;
      for (;;) {
        if (length === this.#buffer.length) {
          const bigger = Buffer.allocUnsafe(this.#buffer.length * 2);
          this.#buffer.copy(bigger);
          this.#buffer = bigger;
        }
        const n = readSync(fd, this.#buffer, length, this.#buffer.length - length, null);
        if (n === 0) break;
        length += n;
      }
      return this.#buffer.toString(encoding, 0, length);
    } catch {
      return undefined;
    } finally {
      closeSync(fd);
    }
  }
}

export function readProc(pid: number, reader = new ProcReader()): ProcInfo | undefined {
  const stat = reader.text(`/proc/${pid}/stat`, "utf8");
  if (stat === undefined) return undefined;
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
export function readEnvVar(pid: number, name: string, reader = new ProcReader()): string | undefined {
  const environ = reader.text(`/proc/${pid}/environ`, "latin1");
  if (environ === undefined) return undefined;
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

export function snapshot(reader = new ProcReader()): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const pid of listPids()) {
    const info = readProc(pid, reader);
    if (info) out.push(info);
  }
  return out;
}

/**
 * Live processes whose environment tag satisfies `accept` (the tag is inherited by every
 * descendant). With `minStartTicks`, processes started before that are skipped without reading their
 * environment: nothing older than a worker can carry the worker's tag.
 */
export function taggedProcesses(
  accept: (tag: string) => boolean,
  minStartTicks = 0,
  table?: ProcInfo[],
  reader = new ProcReader(),
): (ProcInfo & { tag: string })[] {
  const out: (ProcInfo & { tag: string })[] = [];
  for (const info of table ?? snapshot(reader)) {
    if (info.pid === process.pid || info.state === "Z" || info.startTicks < minStartTicks) continue;
    const tag = readEnvVar(info.pid, WORKER_TAG_VAR, reader);
    if (tag !== undefined && accept(tag)) out.push({ ...info, tag });
  }
  return out;
}
