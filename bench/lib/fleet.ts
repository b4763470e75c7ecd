import { readFileSync } from "node:fs";
import { descendantsOf } from "../../src/core/process/procfs.ts";

function read(pid: number, file: string): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, "latin1");
  } catch {
    return "";
  }
}

/** Resident set of one process in MB (10^6 bytes), 0 when it is gone. */
function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(read(pid, "status"));
  return m ? (Number(m[1]) * 1024) / 1e6 : 0;
}

/**
 * The identity of a process's address space: its code and stack addresses (fields 26–28 of
 * `/proc/<pid>/stat`). A child made by `vfork`/`posix_spawn` runs in its parent's address space until it
 * execs, and /proc reports the parent's whole RSS for it too; a fresh exec gets new random addresses.
 * Summing RSS once per address space keeps a spawn in flight from counting the spawner twice.
 */
function addressSpaceOf(pid: number): string {
  const stat = read(pid, "stat");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Fields after the command start at field 3, so field N is at index N - 3: startcode, endcode, startstack.
  return fields.length > 25 ? `${fields[23]}:${fields[24]}:${fields[25]}` : `pid:${pid}`;
}

/** baton's sidecar reaper (`src/core/process/sidecar.ts`, started by `sidecar-client.ts`) is not a worker. */
function isSidecar(pid: number): boolean {
  return /\/core\/process\/sidecar\.[jt]s\0/.test(read(pid, "cmdline"));
}

/**
 * Samples the summed RSS of every descendant of `rootPid` (the worker fleet: codex processes and what
 * they start; baton's sidecar reaper is not a worker) every `everyMs`, from the harness process, so
 * the measured process pays nothing for it. Each address space counts once (see `addressSpaceOf`).
 * `stop()` returns the peak.
 */
export function sampleFleet(rootPid: number, everyMs = 50): { stop(): number } {
  let peak = 0;
  const sidecars = new Set<number>();
  const tick = () => {
    let sum = 0;
    const spaces = new Set<string>();
    for (const p of descendantsOf(rootPid)) {
      if (p.state === "Z" || sidecars.has(p.pid)) continue;
      if (isSidecar(p.pid)) {
        sidecars.add(p.pid);
        continue;
      }
      const space = addressSpaceOf(p.pid);
      if (spaces.has(space)) continue;
      spaces.add(space);
      sum += rssOf(p.pid);
    }
    peak = Math.max(peak, sum);
  };
  const timer = setInterval(tick, everyMs);
  return {
    stop() {
      clearInterval(timer);
      tick();
      return peak;
    },
  };
}
