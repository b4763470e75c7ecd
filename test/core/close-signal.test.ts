import { describe, expect, it } from "vitest";
import { fakePools } from "../helpers/fake-backend.ts";
import { eventually, processesOfAgent } from "../helpers/processes.ts";

const makePool = fakePools();
// A worker that ignores SIGTERM, so a close waits the whole grace unless told not to.
const GRACE_MS = 3_000;

async function runningStubborn(p: ReturnType<typeof makePool>, message = "ignore-term grandchild") {
  const id = p.spawn({ message });
  expect(await eventually(() => p.get(id)!.threadId !== undefined, 5_000)).toBe(true);
  return id;
}

describe("close(id, {signal})", () => {
  it("without a signal, a worker that ignores SIGTERM is killed only after killGraceMs (the control)", async () => {
    const p = makePool({ killGraceMs: 800 });
    const id = await runningStubborn(p);
    const started = Date.now();
    await p.close(id);
    expect(Date.now() - started).toBeGreaterThanOrEqual(750);
    expect(processesOfAgent(id)).toEqual([]);
  });

  it("aborting it ends the graceful wait: the tree is killed at once, the agent ends closed, nothing is left", async () => {
    const p = makePool({ killGraceMs: GRACE_MS });
    const id = await runningStubborn(p);
    const abort = new AbortController();
    const started = Date.now();
    const closing = p.close(id, { signal: abort.signal });
    setTimeout(() => abort.abort(), 200);
    expect(await closing).toEqual({ previousStatus: "running" });
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(190);
    expect(took).toBeLessThan(GRACE_MS - 1_000);
    expect(processesOfAgent(id)).toEqual([]);
    expect(p.get(id)).toMatchObject({ status: "shutdown", endReason: "closed" });
    expect(() => p.sendInput(id, "more")).toThrow(/was closed/);
  });

  it("an already-aborted signal kills at once; an idle agent just closes", async () => {
    const p = makePool({ killGraceMs: GRACE_MS });
    const id = await runningStubborn(p);
    const idle = p.spawn({ message: "noop" });
    await p.wait([idle], { timeoutMs: 5_000 });
    const started = Date.now();
    const signal = AbortSignal.abort();
    expect(await p.close(id, { signal })).toEqual({ previousStatus: "running" });
    expect(Date.now() - started).toBeLessThan(GRACE_MS - 1_000);
    expect(processesOfAgent(id)).toEqual([]);
    expect(await p.close(idle, { signal })).toEqual({ previousStatus: "completed" });
    expect(p.get(idle)).toMatchObject({ status: "shutdown", endReason: "completed" });
  });

  it("a second close with a signal hurries the first one that is still waiting", async () => {
    const p = makePool({ killGraceMs: GRACE_MS });
    const id = await runningStubborn(p);
    const started = Date.now();
    const first = p.close(id);
    const abort = new AbortController();
    const second = p.close(id, { signal: abort.signal });
    setTimeout(() => abort.abort(), 100);
    await Promise.all([first, second]);
    expect(Date.now() - started).toBeLessThan(GRACE_MS - 1_000);
    expect(processesOfAgent(id)).toEqual([]);
    expect(p.get(id)!.status).toBe("shutdown");
  });

  it("shutdown({signal}) closes every agent at once when the signal aborts", async () => {
    const p = makePool({ killGraceMs: GRACE_MS });
    const ids = [await runningStubborn(p), await runningStubborn(p, "ignore-term")];
    const started = Date.now();
    await p.shutdown({ signal: AbortSignal.timeout(100) });
    expect(Date.now() - started).toBeLessThan(GRACE_MS - 1_000);
    for (const id of ids) expect(processesOfAgent(id)).toEqual([]);
  });
});
