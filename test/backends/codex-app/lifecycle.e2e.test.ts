/**
 * codex-app with the real codex app-server against the scripted model: a SIGKILL of the server mid-turn,
 * close of one agent while another works, and no server left after shutdown.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Pool } from "../../../src/core/pool.ts";
import { isAlive } from "../../../src/core/process/procfs.ts";
import { eventually, processesOfAgent } from "../../helpers/processes.ts";
import { type AppHarness, appServers, commandName, serverProcesses, startAppHarness } from "./harness.ts";

let h: AppHarness;
let pool: Pool | undefined;
beforeAll(async () => {
  h = await startAppHarness();
});
afterEach(async () => {
  await pool?.shutdown();
  pool = undefined;
  expect(serverProcesses()).toEqual([]);
});
afterAll(async () => {
  await h?.cleanup();
});

const modelSaw = (text: string) => h.server.requests.filter((r) => r.lastUserText.includes(text)).length;

describe("codex-app: the long-lived server", () => {
  it("SIGKILL of the app-server mid-turn: running turns end errored with the reason, queued turns continue on resumed threads", async () => {
    pool = new Pool({ backends: h.backend(), concurrency: 2, killGraceMs: 500, cwd: h.cwd });
    const keeper = pool.spawn({ id: "crash-keeper", message: "APP-REMEMBER secret=kiwi" });
    expect((await pool.wait([keeper], { timeoutMs: 30_000 })).status[keeper]).toEqual({ completed: "noted" });
    const thread = pool.get(keeper)!.threadId;
    const hung = ["crash-a", "crash-b"].map((id) => pool!.spawn({ id, message: `APP-HANG ${id}` }));
    expect(await eventually(() => modelSaw("APP-HANG") === 2, 20_000)).toBe(true);
    pool.sendInput(keeper, "APP-RECALL what was the secret?"); // queued: both slots are busy
    expect(pool.get(keeper)!.status).toBe("pending_init");

    const [server] = appServers();
    expect(server).toBeDefined();
    process.kill(server!, "SIGKILL");

    const crashed = await pool.wait(hung, { timeoutMs: 20_000 });
    for (const id of hung) {
      expect(crashed.endReasons[id]).toBe("failed");
      expect(crashed.status[id]!.errored).toMatch(/codex app-server was killed by SIGKILL during the turn/);
    }
    const resumed = await pool.wait([keeper], { timeoutMs: 30_000 });
    expect(resumed.status[keeper]).toEqual({ completed: "the secret is kiwi" });
    expect(pool.get(keeper)!.threadId).toBe(thread);
    const restarted = appServers();
    expect(restarted).toHaveLength(1);
    expect(restarted[0]).not.toBe(server);
    // The failed agents take input again, on their own threads, on the new server.
    pool.sendInput(hung[0]!, "APP-QUICK");
    expect((await pool.wait([hung[0]!], { timeoutMs: 30_000 })).status[hung[0]!]).toEqual({
      completed: "quick",
    });
  });

  it("a server that has loaded threadsPerServer threads is retired: the next thread gets a fresh server, the old one stops once idle, and an early agent is resumed by id", async () => {
    const events: string[] = [];
    pool = new Pool({
      backends: h.backend({ threadsPerServer: 2 }),
      concurrency: 2,
      killGraceMs: 500,
      cwd: h.cwd,
      onEvent: (e) => {
        if (e.type === "worker.event" && e.event.type === "error") events.push(e.event.message);
      },
    });
    const seen = new Set<number>();
    const early = pool.spawn({ id: "recycle-early", message: "APP-REMEMBER secret=kiwi" });
    expect((await pool.wait([early], { timeoutMs: 30_000 })).status[early]).toEqual({ completed: "noted" });
    const thread = pool.get(early)!.threadId;
    for (const server of appServers()) seen.add(server);
    for (let i = 0; i < 4; i++) {
      const id = pool.spawn({ id: `recycle-${i}`, message: "APP-QUICK" });
      expect((await pool.wait([id], { timeoutMs: 30_000 })).status[id]).toEqual({ completed: "quick" });
      for (const server of appServers()) seen.add(server);
      // Never more than the current server and one retired server still stopping.
      expect(appServers().length).toBeLessThanOrEqual(2);
    }
    // 5 threads at 2 per server: servers 1, 2 and 3; the retired ones stop once idle.
    expect(seen.size).toBe(3);
    expect(await eventually(() => appServers().length === 1, 10_000)).toBe(true);
    // The first agent's thread was loaded by server 1, which is gone: resumed by id on the current one.
    pool.sendInput(early, "APP-RECALL what was the secret?");
    expect((await pool.wait([early], { timeoutMs: 30_000 })).status[early]).toEqual({
      completed: "the secret is kiwi",
    });
    expect(pool.get(early)!.threadId).toBe(thread);
    // A retirement is not a failure: no "restarted" error reached the agents.
    expect(events.filter((m) => /restarted/.test(m))).toEqual([]);
  });

  it.each(["workspace-write", "danger-full-access"] as const)(
    "close kills that thread's commands, grandchildren in their own sessions included, and nothing of the others (%s)",
    async (sandbox) => {
      pool = new Pool({ backends: h.backend(), concurrency: 3, killGraceMs: 500, cwd: h.cwd });
      const doomed = pool.spawn({ id: `close-doomed-${sandbox}`, message: "APP-GRANDCHILDREN", sandbox });
      const other = pool.spawn({ id: `close-other-${sandbox}`, message: "APP-GRANDCHILDREN", sandbox });
      const sleepers = (id: string) =>
        processesOfAgent(id).filter((pid) => /^sleep 31[78]$/.test(commandName(pid)));
      expect(
        await eventually(() => sleepers(doomed).length === 2 && sleepers(other).length === 2, 30_000),
      ).toBe(true);
      const doomedPids = processesOfAgent(doomed);
      const server = appServers()[0]!;
      expect((await pool.close(doomed)).previousStatus).toBe("running");
      expect(doomedPids.filter(isAlive)).toEqual([]);
      expect(processesOfAgent(doomed)).toEqual([]);
      expect(sleepers(other)).toHaveLength(2);
      expect(isAlive(server)).toBe(true);
      expect(pool.get(other)!.status).toBe("running");
    },
  );
});
