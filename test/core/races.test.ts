/**
 * One test per defect of the implicit state machine (issue 11): each failed before the pool became
 * the transition table of src/core/lifecycle.ts over one supervisor.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { codexParser } from "../../src/backends/codex/events.ts";
import type { ProcessBackend, TurnRequest } from "../../src/backends/types.ts";
import { nextPhase } from "../../src/core/lifecycle.ts";
import type { Pool, PoolEvent } from "../../src/core/pool.ts";
import { fakeBackend, fakePools } from "../helpers/fake-backend.ts";
import { eventually, processesOfAgent } from "../helpers/processes.ts";

const makePool = fakePools();

/** A pool whose events are kept, and a way to wait (bounded) for one of them. */
function watchedPool(options: Partial<ConstructorParameters<typeof Pool>[0]> = {}) {
  const events: PoolEvent[] = [];
  const p = makePool({ ...options, onEvent: (e) => events.push(e) });
  const seen = async (match: (e: PoolEvent) => boolean) => {
    expect(await eventually(() => events.some(match), 10_000)).toBe(true);
  };
  return { p, events, seen };
}

// First in the file: an old pool installed its handlers with the first worker of the process.
describe("a library", () => {
  it("a library pool installs no signal handlers", async () => {
    const before = ["SIGINT", "SIGTERM", "SIGHUP"].map((s) => process.listenerCount(s));
    const p = makePool();
    const id = p.spawn({ message: "noop" });
    await p.wait([id], { timeoutMs: 5_000 });
    expect(["SIGINT", "SIGTERM", "SIGHUP"].map((s) => process.listenerCount(s))).toEqual(before);
  });
});

describe("the lifecycle table", () => {
  it("throws on an illegal move instead of corrupting the agent", () => {
    expect(() => nextPhase("closed", "start", "agent-1")).toThrow(
      /illegal lifecycle move "start" from "closed"/,
    );
    expect(() => nextPhase("idle", "started", "agent-1")).toThrow(
      expect.objectContaining({ code: "E_INTERNAL" }),
    );
    expect(nextPhase("running", "stop", "agent-1")).toBe("stopping");
  });
});

describe("close", () => {
  it("journals the cut-off turn as shutdown, not running", async () => {
    const events: PoolEvent[] = [];
    const p = makePool({ onEvent: (e) => events.push(e) });
    const id = p.spawn({ message: "hang" });
    await eventually(() => p.get(id)!.status === "running", 5_000);
    await p.close(id);
    const ended = events.find((e) => e.type === "turn.ended");
    expect(ended).toMatchObject({ status: "shutdown", endReason: "closed" });
    // …and it comes before agent.closed: events follow the transitions.
    expect(events.map((e) => e.type).slice(-2)).toEqual(["turn.ended", "agent.closed"]);
  });

  it("racing a natural completion keeps the completion", async () => {
    const { p, seen } = watchedPool();
    const id = p.spawn({ message: "linger:3000" });
    // The worker has answered and reported its turn complete; its process is still there.
    await seen((e) => e.type === "worker.event" && e.event.type === "turn.completed");
    await p.close(id);
    const agent = p.get(id)!;
    expect(agent.status).toBe("shutdown");
    expect(agent.endReason).toBe("completed");
    expect(agent.finalMessage).toBe("reply to: linger:3000");
    expect(processesOfAgent(id)).toEqual([]);
  });
});

describe("the supervisor", () => {
  it("a worker that exits while a daemon it started holds its stdout completes (swept on exit, not on close)", async () => {
    const p = makePool({ stallTimeoutMs: 8_000 });
    const id = p.spawn({ message: "daemon" });
    const result = await p.wait([id], { timeoutMs: 4_000 });
    expect(result.timedOut).toBe(false);
    expect(result.endReasons[id]).toBe("completed");
    expect(processesOfAgent(id)).toEqual([]); // the daemon went with it
  });

  it("importing the library reads nothing from /proc", async () => {
    const script = fileURLToPath(new URL("../fixtures/import-probe.ts", import.meta.url));
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "inherit"] });
      let text = "";
      child.stdout.on("data", (chunk: Buffer) => {
        text += chunk.toString();
      });
      child.on("error", reject);
      child.on("close", () => resolve(text.trim()));
    });
    expect(out).toBe("proc reads at import: 0");
  });
});

describe("failed starts", () => {
  function failingBackend(kind: "nul" | "cwd" | "bin"): ProcessBackend {
    return {
      name: `bad-${kind}`,
      resolve: () => process.execPath,
      parser: codexParser,
      command: (request: TurnRequest) => ({
        file: kind === "bin" ? "/nonexistent/baton-no-such-binary" : process.execPath,
        args: ["-e", "1", kind === "nul" ? "a\0b" : request.prompt],
      }),
    };
  }

  it("a NUL byte, a missing cwd or binary ends the agent errored with the reason and frees its slot, queued or not", async () => {
    const good = fakeBackend("good");
    const p = makePool({
      concurrency: 1,
      backends: { good, nul: failingBackend("nul"), cwd: failingBackend("cwd"), bin: failingBackend("bin") },
    });
    const nul = p.spawn({ message: "x", backend: "nul" });
    const cwd = p.spawn({ message: "x", backend: "cwd", cwd: "/nonexistent/baton-no-such-dir" });
    const bin = p.spawn({ message: "x", backend: "bin" });
    const after = p.spawn({ message: "noop", backend: "good" });
    const result = await p.wait([nul, cwd, bin, after], { timeoutMs: 10_000 });
    expect(result.status[nul]!.errored).toMatch(/NUL byte/);
    expect(result.status[cwd]!.errored).toMatch(
      /working directory \/nonexistent\/baton-no-such-dir does not exist/,
    );
    expect(result.status[bin]!.errored).toMatch(/baton-no-such-binary: no such file or command/);
    expect(result.status[after]).toEqual({ completed: "reply to: noop" });
  });
});

describe("rate-limit retries", () => {
  it("keep the turn's number and never resume a failed attempt's thread", async () => {
    const requests: TurnRequest[] = [];
    const inner = fakeBackend();
    const recording: ProcessBackend = {
      ...inner,
      command: (request) => {
        requests.push(request);
        return inner.command(request);
      },
    };
    const events: PoolEvent[] = [];
    const p = makePool({
      backends: recording,
      rateLimit: { baseDelayMs: 10 },
      onEvent: (e) => events.push(e),
    });
    const id = p.spawn({ message: "ratelimit:2" });
    const result = await p.wait([id], { timeoutMs: 10_000 });
    expect(result.endReasons[id]).toBe("completed");
    // Every attempt of the first turn starts a new thread: none resumes a thread of a failed attempt.
    expect(requests.map((r) => r.threadId)).toEqual([undefined, undefined, undefined]);
    const started = events.filter((e) => e.type === "turn.started");
    expect(started.map((e) => e.type === "turn.started" && e.turn)).toEqual([1, 1, 1]);
    expect(p.get(id)!.turns.map((t) => [t.turn, t.attempt])).toEqual([
      [1, 1],
      [1, 2],
      [1, 3],
    ]);
  });

  it("a backoff is cleared by close and never keeps the process alive", async () => {
    const { p, seen } = watchedPool({ rateLimit: { baseDelayMs: 60_000, maxDelayMs: 60_000 } });
    const id = p.spawn({ message: "ratelimit:5" });
    await seen((e) => e.type === "turn.retry");
    expect(p.get(id)!.status).toBe("pending_init");
    const { previousStatus } = await p.close(id);
    expect(previousStatus).toBe("pending_init");
    expect(p.get(id)).toMatchObject({ status: "shutdown", endReason: "closed" });
    // A host that forgets the pool during a backoff still exits: the timer is unref'd.
    const script = fileURLToPath(new URL("../fixtures/backoff-exit.ts", import.meta.url));
    const started = Date.now();
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [script], { stdio: "inherit" });
      child.on("close", resolve);
    });
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 40_000);
});

describe("errors are contained", () => {
  it("a listener that throws is reported; the turn completes and nothing escapes", async () => {
    const reported: unknown[] = [];
    const p = makePool({
      onEvent: (e) => {
        if (e.type === "worker.event") throw new Error("listener bug");
      },
      onListenerError: (error) => reported.push(error),
    });
    const id = p.spawn({ message: "noop" });
    const result = await p.wait([id], { timeoutMs: 5_000 });
    expect(result.status[id]).toEqual({ completed: "reply to: noop" });
    expect(reported.length).toBeGreaterThan(0);
    expect((reported[0] as Error).message).toBe("listener bug");
  });

  it("a parser that throws fails that turn and stops its process", async () => {
    const inner = fakeBackend();
    const broken: ProcessBackend = {
      ...inner,
      name: "broken",
      parser: () => ({
        line: () => {
          throw new Error("bad line");
        },
        end: () => [],
      }),
    };
    const p = makePool({ backends: broken });
    const id = p.spawn({ message: "hang" });
    const result = await p.wait([id], { timeoutMs: 5_000 });
    expect(result.status[id]!.errored).toBe("the broken stream parser failed: bad line");
    expect(processesOfAgent(id)).toEqual([]);
  });
});

describe("wait", () => {
  it("an aborted wait says aborted, not timed out", async () => {
    const p = makePool();
    const id = p.spawn({ message: "hang" });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const result = await p.wait([id], { signal: controller.signal, timeoutMs: 10_000 });
    expect(result.timedOut).toBe(false);
    expect(result.aborted).toBe(true);
    expect(result.status[id]).toEqual({ running: null });
  });
});

describe("events()", () => {
  it("is an async iterable of the pool's events, per agent if asked, ending at shutdown", async () => {
    const p = makePool();
    const a = p.spawn({ message: "noop" });
    const b = p.spawn({ message: "noop" });
    const ofA: string[] = [];
    const reading = (async () => {
      for await (const e of p.events({ agentId: a }))
        ofA.push(`${e.type}:${"agentId" in e ? e.agentId : ""}`);
    })();
    await p.wait([a, b], { timeoutMs: 5_000 });
    await p.shutdown();
    await reading;
    expect(ofA.length).toBeGreaterThan(0);
    expect(ofA.every((line) => line.endsWith(`:${a}`))).toBe(true);
    expect(ofA.at(-1)).toBe(`agent.closed:${a}`);
  });
});
