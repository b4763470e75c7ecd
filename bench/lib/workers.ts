import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { codexArgs } from "../../src/backends/codex/backend.ts";
import { codexParser } from "../../src/backends/codex/events.ts";
import type { Backend, SandboxMode } from "../../src/backends/types.ts";

/** A shell script that prints the four events of a finished codex turn and exits (see the file). */
export const NOOP_CODEX = fileURLToPath(new URL("./noop-codex.sh", import.meta.url));

/** The argv baton's codex backend builds for a first turn, so baselines run exactly the same command. */
export function codexTurnArgs(prompt: string, cwd: string, sandbox: SandboxMode = "read-only"): string[] {
  return codexArgs({ agentId: "bench", prompt, cwd, sandbox, scratchDir: cwd }, []);
}

/** A backend that runs a fixed command for every turn and parses its stdout as codex JSONL. */
export function commandBackend(file: string, args: readonly string[], env?: NodeJS.ProcessEnv): Backend {
  return {
    name: "bench",
    resolve: () => file,
    parser: codexParser,
    command: () => ({ file, args: [...args], env }),
  };
}

/** Wall-clock milliseconds with sub-millisecond resolution, comparable with `date +%s%N` of a worker. */
export function wallNowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Runs `tasks` at most `concurrency` at a time: the limit a plain script would put on its fan-out. */
export async function runLimited<T>(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<T>,
): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return results;
}

export interface PlainRun {
  exitCode: number | null;
  stdout: string;
  /** Wall-clock ms at the child's 'exit' and 'close' (stdout drained) events. */
  exitAtMs: number;
  closeAtMs: number;
}

/**
 * The baseline's way to run a worker: `child_process.spawn`, stdin closed, stdout read to its end
 * (kept only when `keepStdout`), done at 'close'. Each worker gets its own session, as baton's do:
 * with the kernel's autogroup scheduling a session is a CPU-share unit, so on a busy machine a
 * baseline whose workers shared one session would be slowed by that alone.
 */
export function plainRun(
  file: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; keepStdout?: boolean } = {},
): Promise<PlainRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: options.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    let exitAtMs = 0;
    child.stdout.on("data", (chunk: Buffer) => {
      if (options.keepStdout) stdout += chunk.toString("utf8");
    });
    child.stderr.resume();
    child.on("error", reject);
    child.on("exit", () => {
      exitAtMs = wallNowMs();
    });
    child.on("close", (exitCode) => resolve({ exitCode, stdout, exitAtMs, closeAtMs: wallNowMs() }));
  });
}
