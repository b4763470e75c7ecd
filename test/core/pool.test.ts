import { describe, expect, it } from "vitest";
import { codexBackend } from "../../src/backends/codex/backend.ts";
import { codexParser } from "../../src/backends/codex/events.ts";
import type { PoolEvent } from "../../src/core/pool.ts";
import { fakePools } from "../helpers/fake-backend.ts";
import { eventually, processesOfAgent } from "../helpers/processes.ts";

const makePool = fakePools();

describe("spawn and wait", () => {
  it("runs agents in parallel up to the concurrency limit, each with its own final message", async () => {
    const p = makePool({ concurrency: 3 });
    const started = Date.now();
    const ids = ["one", "two", "three"].map((name) => p.spawn({ message: `${name} sleep:400` }));
    const result = await p.wait(ids, { timeoutMs: 10_000 });
    const elapsed = Date.now() - started;
    expect(result.timedOut).toBe(false);
    expect(result.status[ids[0]!]).toEqual({ completed: "reply to: one sleep:400" });
    expect(result.status[ids[2]!]).toEqual({ completed: "reply to: three sleep:400" });
    expect(elapsed).toBeLessThan(1_150); // three sequential turns would need ≥ 1200 ms
  });

  it("queues beyond the limit and starts queued turns in FIFO order", async () => {
    const p = makePool({ concurrency: 1 });
    const ids = [1, 2, 3].map((n) => p.spawn({ message: `n${n} sleep:150` }));
    expect(p.get(ids[1]!)!.status).toBe("pending_init");
    await p.wait(ids, { timeoutMs: 10_000 });
    const turns = ids.map((id) => p.get(id)!.turns[0]!);
    expect(turns[0]!.endedAt!).toBeLessThanOrEqual(turns[1]!.startedAt);
    expect(turns[1]!.endedAt!).toBeLessThanOrEqual(turns[2]!.startedAt);
  });

  it("returns on time with timedOut and the statuses reached so far", async () => {
    const p = makePool();
    const quick = p.spawn({ message: "noop" });
    const hung = p.spawn({ message: "hang" });
    const started = Date.now();
    const result = await p.wait([quick, hung], { timeoutMs: 1_000 });
    const elapsed = Date.now() - started;
    expect(result.timedOut).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(990);
    expect(elapsed).toBeLessThan(1_300);
    expect(result.status[quick]).toEqual({ completed: "reply to: noop" });
    expect(result.status[hung]).toEqual({ running: null });
  });

  it("mode any returns at the first final agent", async () => {
    const p = makePool();
    const fast = p.spawn({ message: "noop" });
    const slow = p.spawn({ message: "hang" });
    const result = await p.wait([fast, slow], { mode: "any", timeoutMs: 5_000 });
    expect(result.timedOut).toBe(false);
    expect(Object.keys(result.endReasons)).toEqual([fast]);
  });

  it("answers in camelCase: timedOut, endReasons, submissionId, previousStatus (snake_case is MCP's)", async () => {
    const p = makePool();
    const id = p.spawn({ message: "noop" });
    const waited = await p.wait([id], { timeoutMs: 5_000 });
    expect(Object.keys(waited).sort()).toEqual(["endReasons", "status", "timedOut"]);
    expect(p.sendInput(id, "hang")).toEqual({
      submissionId: expect.stringMatching(new RegExp(`^${id}:\\d+$`)),
    });
    expect(await eventually(() => p.get(id)!.status === "running", 5_000)).toBe(true);
    expect(await p.interrupt(id)).toEqual({ previousStatus: "running" });
    expect(await p.close(id)).toEqual({ previousStatus: expect.any(String) });
  });

  it("reports unknown ids as not_found instead of throwing", async () => {
    const p = makePool();
    const result = await p.wait(["nope"], { timeoutMs: 10 });
    expect(result.status.nope).toEqual({ not_found: null });
  });
});

describe("send_input", () => {
  it("after completion starts a second turn on the same thread that sees the first", async () => {
    const p = makePool();
    const id = p.spawn({ message: "first usage:10" });
    await p.wait([id]);
    const threadId = p.get(id)!.threadId;
    p.sendInput(id, "second usage:10");
    expect(p.get(id)!.status).not.toBe("completed");
    const result = await p.wait([id], { timeoutMs: 5_000 });
    expect(result.status[id]!.completed).toContain("history: first usage:10");
    const agent = p.get(id)!;
    expect(agent.threadId).toBe(threadId);
    // The fake reports cumulative usage like codex (10, then 20): per-turn usage is the difference.
    expect(agent.turns.map((t) => t.usage.inputTokens)).toEqual([10, 10]);
    expect(agent.usage.inputTokens).toBe(20);
  });

  it("while running, queues the message for the next turn", async () => {
    const p = makePool();
    const id = p.spawn({ message: "first sleep:300" });
    await eventually(() => p.get(id)!.status === "running", 2_000);
    p.sendInput(id, "queued");
    const result = await p.wait([id], { timeoutMs: 5_000 });
    expect(result.status[id]!.completed).toBe("reply to: queued | history: first sleep:300");
    expect(p.get(id)!.turns.map((t) => t.endReason)).toEqual(["completed", "completed"]);
  });

  it("with interrupt stops the running turn and continues with the message", async () => {
    const p = makePool();
    const id = p.spawn({ message: "first hang" });
    await eventually(() => p.get(id)!.threadId !== undefined, 2_000);
    p.sendInput(id, "instead", { interrupt: true });
    const result = await p.wait([id], { timeoutMs: 5_000 });
    expect(result.status[id]!.completed).toContain("reply to: instead");
    expect(p.get(id)!.turns.map((t) => t.endReason)).toEqual(["interrupted", "completed"]);
  });

  it("refuses closed and unknown agents with a clear error", async () => {
    const p = makePool();
    const id = p.spawn({ message: "noop" });
    await p.close(id);
    expect(() => p.sendInput(id, "more")).toThrow(/was closed; close is irreversible/);
    expect(() => p.sendInput("ghost", "more")).toThrow(/no agent with id "ghost"/);
  });
});

describe("close", () => {
  it("kills the whole tree, including a grandchild in its own session, and frees the slot", async () => {
    const p = makePool({ concurrency: 1 });
    const id = p.spawn({ message: "grandchild" });
    const waiting = p.spawn({ message: "noop" });
    expect(await eventually(() => processesOfAgent(id).length >= 2, 3_000)).toBe(true);
    const { previousStatus } = await p.close(id);
    expect(previousStatus).toBe("running");
    expect(processesOfAgent(id)).toEqual([]);
    expect(p.get(id)!.status).toBe("shutdown");
    expect((await p.wait([waiting], { timeoutMs: 5_000 })).status[waiting]).toEqual({
      completed: "reply to: noop",
    });
  });

  it("kills a worker that ignores SIGTERM", async () => {
    const p = makePool({ killGraceMs: 200 });
    const id = p.spawn({ message: "ignore-term" });
    await eventually(() => p.get(id)!.threadId !== undefined, 2_000);
    await p.close(id);
    expect(processesOfAgent(id)).toEqual([]);
  });
});

describe("deadlines, stalls and failures", () => {
  it("ends a turn at its deadline with end reason timed_out", async () => {
    const p = makePool();
    const id = p.spawn({ message: "chatter:50 hang", turnTimeoutMs: 500 });
    const result = await p.wait([id], { timeoutMs: 5_000 });
    expect(result.status[id]!.errored).toMatch(/deadline of 500 ms/);
    expect(result.endReasons[id]).toBe("timed_out");
    expect(processesOfAgent(id)).toEqual([]);
  });

  it("kills a silent worker with end reason stalled, but not a chatty one", async () => {
    const p = makePool();
    const silent = p.spawn({ message: "hang", stallTimeoutMs: 400 });
    const chatty = p.spawn({ message: "chatter:50 sleep:900", stallTimeoutMs: 400 });
    const result = await p.wait([silent, chatty], { timeoutMs: 5_000 });
    expect(result.endReasons[silent]).toBe("stalled");
    expect(result.endReasons[chatty]).toBe("completed");
  });

  it("a failed turn is errored with the worker's error text", async () => {
    const p = makePool();
    const id = p.spawn({ message: "fail:model-overloaded" });
    const result = await p.wait([id]);
    expect(result.status[id]).toEqual({ errored: "model-overloaded" });
    expect(result.endReasons[id]).toBe("failed");
  });

  it("a worker that exits without a turn is errored, saying so", async () => {
    const p = makePool();
    const id = p.spawn({ message: "exit-early" });
    const result = await p.wait([id]);
    expect(result.status[id]!.errored).toMatch(/exited with code 0 without finishing its turn/);
  });

  it("a missing codex binary gives a clear error with install advice", async () => {
    const p = makePool({ backends: codexBackend({ codexPath: "/nonexistent/codex" }) });
    const id = p.spawn({ message: "hello" });
    const result = await p.wait([id]);
    expect(result.status[id]!.errored).toMatch(/codex CLI was not found.*npm i -g @openai\/codex/);
  });
});

describe("events", () => {
  it("emits spawn, turn start, worker events and turn end in order", async () => {
    const events: PoolEvent[] = [];
    const p = makePool({ onEvent: (e) => events.push(e) });
    const id = p.spawn({ message: "noop" });
    await p.wait([id]);
    const types = events.map((e) => (e.type === "worker.event" ? `worker:${e.event.type}` : e.type));
    expect(types).toEqual([
      "agent.spawned",
      "turn.started",
      "worker:thread.started",
      "worker:turn.started",
      "worker:item.completed",
      "worker:turn.completed",
      "turn.ended",
    ]);
  });
});

describe("budget and rate limits", () => {
  it("re-queues rate-limited turns with backoff, lowers concurrency, and completes them", async () => {
    const events: PoolEvent[] = [];
    const p = makePool({ concurrency: 4, rateLimit: { baseDelayMs: 50 }, onEvent: (e) => events.push(e) });
    const ids = [1, 2, 3, 4].map((n) => p.spawn({ message: n % 2 ? `w${n} ratelimit:2` : `w${n}` }));
    const result = await p.wait(ids, { timeoutMs: 10_000 });
    expect(Object.values(result.endReasons)).toEqual(["completed", "completed", "completed", "completed"]);
    const retries = events.filter((e) => e.type === "turn.retry");
    expect(retries).toHaveLength(4); // two agents × two 429s
    // The 429 text carried "retry after 0.2 s": that hint wins over the 50 ms base backoff.
    expect(retries.every((e) => e.type === "turn.retry" && e.delayMs >= 200)).toBe(true);
    expect(Math.min(...retries.map((e) => (e.type === "turn.retry" ? e.concurrency : 99)))).toBeLessThan(4);
  });

  it("ends as rate_limited after the last retry", async () => {
    const p = makePool({ rateLimit: { maxRetries: 1, baseDelayMs: 10 } });
    const id = p.spawn({ message: "ratelimit:5" });
    const result = await p.wait([id], { timeoutMs: 10_000 });
    expect(result.endReasons[id]).toBe("rate_limited");
    expect(result.status[id]!.errored).toMatch(/429/);
  });

  it("stops the fleet at the token budget and keeps finished results", async () => {
    const p = makePool({ concurrency: 1, maxTokens: 30 });
    // Each fake turn reports 10 input + 10 output tokens: the second turn reaches the budget.
    const ids = ["a usage:10", "b usage:10", "c usage:10"].map((m) => p.spawn({ message: m }));
    const result = await p.wait(ids, { timeoutMs: 10_000 });
    expect(result.status[ids[0]!]).toEqual({ completed: "reply to: a usage:10" });
    expect(result.endReasons[ids[2]!]).toBe("budget_exhausted");
    expect(p.usedTokens).toBeGreaterThanOrEqual(30);
  });
});

describe("stdin", () => {
  it("a worker that exits without reading a large stdin prompt ends errored; baton does not crash on EPIPE", async () => {
    const p = makePool({
      backends: {
        name: "stdin-ignorer",
        resolve: () => process.execPath,
        parser: codexParser,
        command: () => ({
          file: process.execPath,
          args: ["-e", "process.exit(0)"],
          stdin: "x".repeat(4_000_000),
        }),
      },
    });
    const id = p.spawn({ message: "big" });
    const result = await p.wait([id], { timeoutMs: 10_000 });
    expect(result.status[id]!.errored).toMatch(/without finishing its turn/);
  });
});
