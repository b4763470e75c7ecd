/**
 * The session-backend hook of the pool: one session per backend, opened by the first turn; turns are
 * requests on it under the same deadline, stall watchdog and outcome as process turns; close releases
 * the agent's thread; shutdown closes the session. An in-memory session stands in for a server.
 */
import { describe, expect, it } from "vitest";
import type { SessionBackend, SessionTurnHooks, TurnRequest } from "../../src/backends/types.ts";
import { Pool } from "../../src/core/pool.ts";

interface Log {
  opened: number;
  closed: number;
  released: string[];
  stops: string[];
  requests: TurnRequest[];
}

/** Answers "echo X" with X at once, "hang" never (until stopped), "fail" with a failed turn. */
function memoryBackend(log: Log): SessionBackend {
  return {
    name: "memory",
    kind: "session",
    resolve: () => "memory",
    openSession: () => {
      log.opened++;
      let threads = 0;
      return {
        startTurn(request: TurnRequest, hooks: SessionTurnHooks) {
          log.requests.push(request);
          let end!: () => void;
          const ended = new Promise<void>((resolve) => {
            end = resolve;
          });
          const threadId = request.threadId ?? `thread-${++threads}`;
          queueMicrotask(() => {
            hooks.onEvent({ type: "thread.started", threadId });
            if (request.prompt.startsWith("echo ")) {
              const text = request.prompt.slice(5);
              hooks.onEvent({ type: "item.completed", item: { id: "m", type: "agent_message", text } });
              const usage = { inputTokens: 10, cachedInputTokens: 0, outputTokens: 2, reasoningTokens: 0 };
              hooks.onEvent({ type: "turn.completed", usage, usageIsCumulative: false });
              end();
            } else if (request.prompt === "fail") {
              hooks.onEvent({ type: "turn.failed", message: "no luck" });
              end();
            }
          });
          return {
            pid: 4242,
            ended,
            stop: async () => {
              log.stops.push(hooks.tag);
              end();
            },
          };
        },
        release: async (agentId: string) => {
          log.released.push(agentId);
        },
        close: async () => {
          log.closed++;
        },
      };
    },
  };
}

const newLog = (): Log => ({ opened: 0, closed: 0, released: [], stops: [], requests: [] });

describe("session backends in the pool", () => {
  it("opens one session for all agents, continues threads, releases on close, closes on shutdown", async () => {
    const log = newLog();
    const pool = new Pool({ backends: memoryBackend(log), concurrency: 2 });
    const a = pool.spawn({ message: "echo one" });
    const b = pool.spawn({ message: "echo two" });
    const first = await pool.wait([a, b], { timeoutMs: 5_000 });
    expect(first.status).toEqual({ [a]: { completed: "one" }, [b]: { completed: "two" } });
    expect(log.opened).toBe(1);
    pool.sendInput(a, "echo three");
    expect((await pool.wait([a], { timeoutMs: 5_000 })).status[a]).toEqual({ completed: "three" });
    expect(log.requests.at(-1)!.threadId).toBe(pool.get(a)!.threadId);
    expect(pool.get(a)!.usage.inputTokens).toBe(20);
    expect(pool.get(a)!.turns[0]!.pid).toBe(4242);
    await pool.close(a);
    expect(log.released).toEqual([a]);
    await pool.shutdown();
    expect(log.closed).toBe(1);
    expect(log.released).toEqual([a, b]);
  });

  it("a failed turn is errored; a hanging one meets the deadline and is stopped with the turn's tag", async () => {
    const log = newLog();
    const pool = new Pool({ backends: memoryBackend(log) });
    const failing = pool.spawn({ message: "fail" });
    const hanging = pool.spawn({ message: "hang", turnTimeoutMs: 200 });
    const result = await pool.wait([failing, hanging], { timeoutMs: 5_000 });
    expect(result.status[failing]).toEqual({ errored: "no luck" });
    expect(result.endReasons[hanging]).toBe("timed_out");
    expect(log.stops).toHaveLength(1);
    expect(log.stops[0]!.split(":").slice(2)).toEqual([hanging, "1"]);
    await pool.shutdown();
  });

  it("the stall watchdog stops a silent turn", async () => {
    const log = newLog();
    const pool = new Pool({ backends: memoryBackend(log) });
    const id = pool.spawn({ message: "hang", stallTimeoutMs: 150 });
    expect((await pool.wait([id], { timeoutMs: 5_000 })).endReasons[id]).toBe("stalled");
    await pool.shutdown();
  });
});
