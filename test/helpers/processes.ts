import { ownerId } from "../../src/core/process/owner.ts";
import { taggedProcesses } from "../../src/core/process/procfs.ts";

/** Live processes (any depth, any session) that belong to this agent of this process. */
export function processesOfAgent(agentId: string): number[] {
  // Tags are `<owner>:<pool>:<agent>:<turn>`.
  return taggedProcesses((t) => t.startsWith(`${ownerId()}:`) && t.split(":")[2] === agentId).map(
    (p) => p.pid,
  );
}

/** Polls `check` every 20 ms until it returns true or `timeoutMs` passes; returns the last answer. */
export async function eventually(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return check();
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Everything a child printed, once it has closed its streams and exited. */
export function finished(child: import("node:child_process").ChildProcess): Promise<Finished> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d) => {
    stdout += d;
  });
  child.stderr?.on("data", (d) => {
    stderr += d;
  });
  return new Promise((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
}
