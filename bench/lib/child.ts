import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { sampleFleet } from "./fleet.ts";

const CHILD_MAIN = fileURLToPath(new URL("./child-main.ts", import.meta.url));
export const RESULT_MARK = "@@bench-result@@";

/** What every measurement run in a child reports about the child process itself. */
export interface ChildStats {
  /** Peak resident set of the child over its whole life (`process.resourceUsage().maxRSS`), in MB (10^6 bytes). */
  peakRssMb: number;
  /** User + system CPU of the child (not of its own children), over its whole life. */
  cpuMs: number;
  /** With `fleet`: peak summed RSS of the child's workers, in MB. */
  fleetPeakMb?: number;
}

export interface ChildOptions {
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Write a V8 CPU profile of the child into this directory (`--cpu-prof`). */
  cpuProfDir?: string;
  /** Name of the profile file, when profiling. */
  profileName?: string;
  /** Extra Node flags for the child, e.g. ["--expose-gc"]. */
  nodeArgs?: string[];
  /** Also sample the summed RSS of the child's workers (its descendants) and report the peak as `fleetPeakMb`. */
  fleet?: boolean;
}

/**
 * Runs `exportName(input)` of `modulePath` in a fresh Node process and returns its JSON result with
 * the child's peak RSS and CPU time — so memory figures belong to one measurement, not to the harness.
 */
export function inChild<T>(
  modulePath: string,
  exportName: string,
  input: unknown,
  options: ChildOptions = {},
): Promise<T & ChildStats> {
  const execArgv: string[] = [...(options.nodeArgs ?? [])];
  if (options.cpuProfDir) {
    mkdirSync(options.cpuProfDir, { recursive: true });
    execArgv.push("--cpu-prof", `--cpu-prof-dir=${options.cpuProfDir}`);
    if (options.profileName) execArgv.push(`--cpu-prof-name=${options.profileName}.cpuprofile`);
  }
  const child = spawn(process.execPath, [...execArgv, CHILD_MAIN, modulePath, exportName], {
    env: { ...(options.env ?? process.env), BENCH_INPUT: JSON.stringify(input) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const fleet = options.fleet && child.pid !== undefined ? sampleFleet(child.pid) : undefined;
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString("utf8")).slice(-20_000);
  });
  const timeoutMs = options.timeoutMs ?? 600_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const fleetPeakMb = fleet?.stop();
      const line = stdout.split("\n").find((l) => l.startsWith(RESULT_MARK));
      if (code !== 0 || !line) {
        const why = signal
          ? `was killed by ${signal}${signal === "SIGKILL" ? ` (time limit ${timeoutMs} ms?)` : ""}`
          : `exited with ${code}`;
        reject(new Error(`bench child ${exportName} (${modulePath}) ${why}\n${stderr.trim()}`));
        return;
      }
      const result = JSON.parse(line.slice(RESULT_MARK.length)) as T & ChildStats;
      resolve(fleetPeakMb === undefined ? result : { ...result, fleetPeakMb });
    });
  });
}
