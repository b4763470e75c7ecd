/**
 * The app-server and every command it started die with baton, SIGKILL included: the sidecar reaper
 * kills every process tagged with the dead owner's id (the server's tag and each thread's).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { taggedProcesses } from "../../../src/core/process/procfs.ts";
import { reapOrphans } from "../../../src/core/process/reap.ts";
import { eventually } from "../../helpers/processes.ts";
import { type AppHarness, appServers, startAppHarness } from "./harness.ts";

const OWNER = fileURLToPath(new URL("./fixtures/app-owner.ts", import.meta.url));
let h: AppHarness;
let child: ChildProcess | undefined;
beforeAll(async () => {
  h = await startAppHarness();
});
afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  reapOrphans();
  await h?.cleanup();
});

const processesOf = (owner: string) => taggedProcesses((t) => t.startsWith(`${owner}:`));

for (const signal of ["SIGKILL", "SIGTERM"] as const) {
  it(`${signal} of baton: the app-server and both threads' commands (grandchildren included) are gone within seconds`, async () => {
    child = spawn(process.execPath, [OWNER, "2", h.cwd], {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...h.env, APP_OWNER_CODEX: h.codexBin },
    });
    const owner = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the owner did not get ready in 40 s")), 40_000);
      child!.stdout!.on("data", (chunk: Buffer) => {
        const m = /ready (\S+)/.exec(chunk.toString());
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    });
    expect(appServers(owner)).toHaveLength(1);
    expect(processesOf(owner).length).toBeGreaterThanOrEqual(5); // server + 2 × (shell + 2 sleeps)
    child.kill(signal);
    expect(await eventually(() => processesOf(owner).length === 0, 5_000)).toBe(true);
  }, 60_000);
}
