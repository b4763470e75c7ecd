/**
 * The backend conformance suite: every backend must give the same lifecycle, statuses, end reasons,
 * usage and guarantees. codex and claude run as the real CLIs from npm against the scripted model server
 * on 127.0.0.1; the command backend runs a toy CLI agent (fixtures/toy-agent.mjs).
 */
import { readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Pool } from "../../src/core/pool.ts";
import { ZERO_USAGE } from "../../src/core/usage.ts";
import { eventually, processesOfAgent } from "../helpers/processes.ts";
import {
  type BackendUnderTest,
  type Harness,
  SCRIPTED_USAGE,
  startHarness,
  VERDICT,
  VERDICT_SCHEMA,
} from "./harnesses.ts";

const BACKENDS: BackendUnderTest[] = ["codex", "codex-app", "claude", "command"];

/** Command lines of every live process of an agent (any depth, any session). */
function commandLines(agentId: string): string[] {
  return processesOfAgent(agentId).map((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "latin1").replaceAll("\0", " ").trim();
    } catch {
      return "";
    }
  });
}

describe.each(BACKENDS)("conformance: %s backend", (name) => {
  let harness: Harness;
  let pool: Pool | undefined;
  let serial = 0;
  /** Agent ids unique across the suite, so process look-ups never see another test's agent. */
  const id = (what: string) => `${name}-${what}-${++serial}`;

  beforeAll(async () => {
    harness = await startHarness(name);
  });
  afterEach(async () => {
    await pool?.shutdown();
    pool = undefined;
  });
  afterAll(async () => {
    await harness?.cleanup();
  });

  const makePool = () => {
    pool = new Pool({ backends: harness.backend, concurrency: 4, killGraceMs: 500, cwd: harness.cwd });
    return pool;
  };

  it("spawn + parallel wait: three agents run at once, each with its own final message", async () => {
    const p = makePool();
    const started = Date.now();
    const ids = ["alpha", "beta", "gamma"].map((word) =>
      p.spawn({ id: id(word), message: `CONF-PARALLEL ${word}` }),
    );
    const result = await p.wait(ids, { timeoutMs: 40_000 });
    const elapsed = Date.now() - started;
    expect(result.timedOut).toBe(false);
    expect(ids.map((i) => result.status[i])).toEqual([
      { completed: "alpha done" },
      { completed: "beta done" },
      { completed: "gamma done" },
    ]);
    // Each answer takes 2.5 s at the model: one after the other would need at least 7.5 s.
    expect(elapsed).toBeLessThan(7_500);
    for (const i of ids) expect(p.get(i)!.threadId).toBeTruthy();
  });

  it("the prompt travels on stdin, never in argv, and arrives whole past the 128 KiB argument limit", async () => {
    const p = makePool();
    const agent = p.spawn({ id: id("big"), message: `CONF-BIG ${"x".repeat(300_000)} END-OF-BIG` });
    if (name === "codex-app") {
      // No process of its own: the prompt is a JSON-RPC request on the shared server's stdin.
      expect(await eventually(() => p.get(agent)!.status === "running", 20_000)).toBe(true);
    } else {
      expect(await eventually(() => commandLines(agent).length > 0, 20_000)).toBe(true);
    }
    expect(commandLines(agent).filter((line) => line.includes("CONF-BIG"))).toEqual([]);
    const result = await p.wait([agent], { timeoutMs: 40_000 });
    expect(result.status[agent]).toEqual({ completed: "big done" });
    if (harness.server)
      expect(harness.server.requests.some((r) => r.lastUserText.includes("END-OF-BIG"))).toBe(true);
  });

  it("send_input: turn 2 runs on the same thread and sees turn 1", async () => {
    const p = makePool();
    const agent = p.spawn({ id: id("memory"), message: "CONF-REMEMBER secret=kiwi" });
    expect((await p.wait([agent], { timeoutMs: 30_000 })).status[agent]).toEqual({ completed: "noted" });
    const thread = p.get(agent)!.threadId;
    p.sendInput(agent, "CONF-RECALL what was the secret?");
    const result = await p.wait([agent], { timeoutMs: 30_000 });
    expect(result.status[agent]).toEqual({ completed: "the secret is kiwi" });
    expect(p.get(agent)!.threadId).toBe(thread);
    expect(p.get(agent)!.turns.map((t) => t.endReason)).toEqual(["completed", "completed"]);
  });

  it("interrupt: send_input with interrupt stops the running turn and continues with the message", async () => {
    const p = makePool();
    const agent = p.spawn({ id: id("interrupt"), message: "CONF-HANG until interrupted" });
    expect(await eventually(() => p.get(agent)!.status === "running", 10_000)).toBe(true);
    if (name !== "command") {
      // The model request is out: the worker has started its thread and is waiting on the model.
      expect(
        await eventually(
          () => harness.server!.requests.some((r) => r.lastUserText.includes("CONF-HANG")),
          20_000,
        ),
      ).toBe(true);
    }
    p.sendInput(agent, "CONF-AFTER-INTERRUPT", { interrupt: true });
    const result = await p.wait([agent], { timeoutMs: 30_000 });
    expect(result.status[agent]).toEqual({ completed: "resumed after interrupt" });
    expect(p.get(agent)!.turns.map((t) => t.endReason)).toEqual(["interrupted", "completed"]);
    expect(processesOfAgent(agent)).toEqual([]);
    if (name !== "command") {
      // The stopped turn's message stays in the conversation the model sees next.
      const next = harness.server!.requests.find((r) => r.lastUserText.includes("CONF-AFTER-INTERRUPT"));
      expect(JSON.stringify(next?.body)).toContain("CONF-HANG until interrupted");
    }
  });

  it("close kills the whole tree, including a command the worker started", async () => {
    const p = makePool();
    const agent = p.spawn({
      id: id("tree"),
      message: "CONF-TREE start a long command",
      sandbox: "workspace-write",
    });
    const sawCommand = await eventually(
      () => commandLines(agent).some((c) => /tail -f \/dev\/null|sleep 317/.test(c)),
      30_000,
    );
    expect(sawCommand, `processes of the agent: ${JSON.stringify(commandLines(agent))}`).toBe(true);
    const { previousStatus } = await p.close(agent);
    expect(previousStatus).toBe("running");
    expect(processesOfAgent(agent)).toEqual([]);
    expect(p.get(agent)!.status).toBe("shutdown");
  });

  it("a failed turn is errored with the failure's text", async () => {
    const p = makePool();
    const agent = p.spawn({ id: id("fail"), message: "CONF-FAIL please" });
    const result = await p.wait([agent], { timeoutMs: 30_000 });
    expect(result.endReasons[agent]).toBe("failed");
    expect(result.status[agent]!.errored).toContain("conformance-failure-7f3a");
  });

  it("a turn past its deadline is killed with end reason timed_out", async () => {
    const p = makePool();
    const agent = p.spawn({
      id: id("deadline"),
      message: "CONF-HANG past the deadline",
      turnTimeoutMs: 3_000,
    });
    const result = await p.wait([agent], { timeoutMs: 30_000 });
    expect(result.endReasons[agent]).toBe("timed_out");
    expect(result.status[agent]!.errored).toMatch(/deadline of 3000 ms/);
    expect(processesOfAgent(agent)).toEqual([]);
  });

  it("a silent worker is killed with end reason stalled", async () => {
    const p = makePool();
    const agent = p.spawn({ id: id("stall"), message: "CONF-HANG silently", stallTimeoutMs: 2_500 });
    const result = await p.wait([agent], { timeoutMs: 30_000 });
    expect(result.endReasons[agent]).toBe("stalled");
    expect(result.status[agent]!.errored).toMatch(/no output for 2500 ms/);
    expect(processesOfAgent(agent)).toEqual([]);
  });

  it("usage is counted per turn (never cumulative) and summed per agent", async () => {
    const p = makePool();
    const agent = p.spawn({ id: id("usage"), message: "CONF-USAGE one" });
    await p.wait([agent], { timeoutMs: 30_000 });
    p.sendInput(agent, "CONF-USAGE two");
    await p.wait([agent], { timeoutMs: 30_000 });
    const snapshot = p.get(agent)!;
    expect(snapshot.turns.map((t) => t.endReason)).toEqual(["completed", "completed"]);
    if (!harness.reportsUsage) {
      // A plain command reports no tokens: zero, never NaN or negative.
      expect(snapshot.usage).toEqual(ZERO_USAGE);
      return;
    }
    for (const turn of snapshot.turns) {
      expect(turn.usage.inputTokens).toBe(SCRIPTED_USAGE.inputTokens);
      expect(turn.usage.outputTokens).toBe(SCRIPTED_USAGE.outputTokens);
    }
    expect(snapshot.usage.inputTokens).toBe(2 * SCRIPTED_USAGE.inputTokens);
    expect(snapshot.usage.outputTokens).toBe(2 * SCRIPTED_USAGE.outputTokens);
  });

  it("structured output: the final message is JSON matching the schema", async (ctx) => {
    if (!harness.enforcesSchema) ctx.skip(); // a plain command can only be asked (see promptText)
    const p = makePool();
    const agent = p.spawn({
      id: id("schema"),
      message: "CONF-STRUCT give a verdict",
      outputSchema: VERDICT_SCHEMA,
    });
    const result = await p.wait([agent], { timeoutMs: 30_000 });
    expect(JSON.parse(result.status[agent]!.completed!)).toEqual(VERDICT);
  });

  it("web search only for an agent that asks, and its reasoning effort reaches the model", async (ctx) => {
    if (!name.startsWith("codex")) ctx.skip(); // codex's own settings (claude's are flags: claude/ tests)
    const p = makePool();
    const before = harness.server!.requests.length;
    const asker = p.spawn({
      id: id("web"),
      message: "CONF-WEB on",
      webSearch: true,
      reasoningEffort: "high",
    });
    const plain = p.spawn({ id: id("plain"), message: "CONF-WEB off" });
    await p.wait([asker, plain], { timeoutMs: 30_000 });
    const requests = harness.server!.requests.slice(before);
    const of = (word: string) => {
      const r = requests.find((q) => q.lastUserText.includes(`CONF-WEB ${word}`));
      const body = r?.body as { tools?: { type: string }[]; reasoning?: { effort?: string } } | undefined;
      return {
        web: (body?.tools ?? []).some((t) => t.type === "web_search"),
        effort: body?.reasoning?.effort,
      };
    };
    expect(of("on")).toEqual({ web: true, effort: "high" });
    expect(of("off").web).toBe(false);
    expect(of("off").effort).not.toBe("high");
  });
});
