import { readFileSync } from "node:fs";
import { descendantsOf } from "../../src/core/process/procfs.ts";

/** Resident set of one process in MB (10^6 bytes), 0 when it is gone. */
function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "latin1"));
    return m ? (Number(m[1]) * 1024) / 1e6 : 0;
  } catch {
    return 0;
  }
}

function isSidecar(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "latin1").includes("reaper/sidecar");
  } catch {
    return false;
  }
}

/**
 * Samples the summed RSS of every descendant of `rootPid` (the worker fleet: codex processes and what
 * they start; baton's sidecar reaper is not a worker) every `everyMs`, from the harness process, so
 * the measured process pays nothing for it. `stop()` returns the peak.
 */
export function sampleFleet(rootPid: number, everyMs = 50): { stop(): number } {
  let peak = 0;
  const sidecars = new Set<number>();
  const tick = () => {
    let sum = 0;
    for (const p of descendantsOf(rootPid)) {
      if (p.state === "Z" || sidecars.has(p.pid)) continue;
      if (isSidecar(p.pid)) sidecars.add(p.pid);
      else sum += rssOf(p.pid);
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
