import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { taggedProcesses } from "../../src/core/process/procfs.ts";
import { reapOrphans } from "../../src/core/process/reap.ts";
import { eventually } from "../helpers/processes.ts";

const OWNER = fileURLToPath(new URL("../fixtures/owner.ts", import.meta.url));
const owners: ChildProcess[] = [];
afterEach(async () => {
  for (const child of owners.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
    }
  }
  reapOrphans(); // owners started without a sidecar leave their workers to the next start
});

/** Starts an owner process with `count` agents (each with a grandchild in its own session). */
async function startOwner(
  count: number,
  env: NodeJS.ProcessEnv = {},
): Promise<{ child: ChildProcess; owner: string }> {
  const child = spawn(process.execPath, [OWNER, String(count)], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, ...env },
  });
  owners.push(child);
  const owner = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("owner did not get ready in 10 s")), 10_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      const m = /ready (\S+)/.exec(chunk.toString());
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
  return { child, owner };
}

const workersOf = (owner: string) => taggedProcesses((t) => t.startsWith(`${owner}:`));

describe("no worker outlives its owner", () => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`${signal}: the owner's handlers kill every worker and grandchild`, async () => {
      const { child, owner } = await startOwner(3);
      expect(workersOf(owner).length).toBeGreaterThanOrEqual(6); // 3 workers + 3 grandchildren
      child.kill(signal);
      expect(await eventually(() => workersOf(owner).length === 0, 3_000)).toBe(true);
    });
  }

  it("SIGKILL: the sidecar reaper kills every worker within seconds", async () => {
    const { child, owner } = await startOwner(3);
    expect(workersOf(owner).length).toBeGreaterThanOrEqual(6);
    child.kill("SIGKILL");
    expect(await eventually(() => workersOf(owner).length === 0, 5_000)).toBe(true);
  });

  it("SIGKILL without a sidecar: the next start's reaper finds and kills the orphans", async () => {
    const { child, owner } = await startOwner(2, { BATON_NO_SIDECAR: "1" });
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    expect(workersOf(owner).length).toBeGreaterThanOrEqual(4);
    // Any baton command another test file starts meanwhile reaps dead owners' workers too, so this call
    // may find some already gone (seen: 3 of 4); it must find and kill the rest.
    expect(reapOrphans()).toBeGreaterThan(0);
    expect(await eventually(() => workersOf(owner).length === 0, 2_000)).toBe(true);
  });

  it("the reaper leaves workers of a live owner alone", async () => {
    const { owner } = await startOwner(1, { BATON_NO_SIDECAR: "1" });
    reapOrphans();
    expect(workersOf(owner).length).toBeGreaterThanOrEqual(2);
  });
});
