/**
 * codex-app failures that a real codex cannot be made to show on demand, against a stand-in server
 * (fixtures/fake-app-server.mjs): another codex version, and a server that stops answering.
 */
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { codexAppBackend } from "../../../src/backends/codex-app/backend.ts";
import { Pool } from "../../../src/core/pool.ts";
import { appServers, serverProcesses } from "./harness.ts";

const FAKE = fileURLToPath(new URL("./fixtures/fake-app-server.mjs", import.meta.url));
let pool: Pool | undefined;
afterEach(async () => {
  await pool?.shutdown();
  pool = undefined;
  expect(serverProcesses()).toEqual([]);
});

const fakeBackend = (env: Record<string, string>, requestTimeoutMs = 30_000) =>
  codexAppBackend({ codexPath: FAKE, env: { ...process.env, ...env }, requestTimeoutMs });

describe("codex-app failures", () => {
  it("another codex version: every turn fails with a message naming both versions and the way out", async () => {
    pool = new Pool({ backends: fakeBackend({ FAKE_APP_VERSION: "0.170.0" }) });
    const id = pool.spawn({ message: "hello" });
    const result = await pool.wait([id], { timeoutMs: 10_000 });
    expect(result.endReasons[id]).toBe("failed");
    expect(result.status[id]!.errored).toMatch(
      /protocol of codex 0\.169\.0.*is codex 0\.170\.0.*--backend codex-exec/,
    );
  });

  it("the pinned version works against the same stand-in (so the failure above is the version's)", async () => {
    pool = new Pool({ backends: fakeBackend({}) });
    const id = pool.spawn({ message: "hello" });
    expect((await pool.wait([id], { timeoutMs: 10_000 })).status[id]).toEqual({ completed: "fake: hello" });
  });

  it("a server that stops answering: the turn ends errored with the reason, the server is killed and the next turn gets a new one", async () => {
    pool = new Pool({ backends: fakeBackend({ FAKE_APP_MODE: "hang-turn" }, 400), concurrency: 2 });
    const first = pool.spawn({ message: "warm up" });
    await pool.wait([first], { timeoutMs: 10_000 });
    const [server] = appServers();
    const hung = pool.spawn({ message: "HANG here" });
    const result = await pool.wait([hung], { timeoutMs: 10_000 });
    expect(result.endReasons[hung]).toBe("failed");
    expect(result.status[hung]!.errored).toMatch(
      /turn\/start got no answer from codex app-server within 400 ms/,
    );
    pool.sendInput(first, "after the restart");
    expect((await pool.wait([first], { timeoutMs: 10_000 })).status[first]).toEqual({
      completed: "fake: after the restart",
    });
    expect(appServers()).not.toContain(server);
    expect(appServers()).toHaveLength(1);
  });
});
