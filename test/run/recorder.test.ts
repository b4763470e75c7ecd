import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type PoolEvent, PoolEventSchema } from "../../src/core/pool-events.ts";
import { RunRecorder } from "../../src/run/recorder.ts";
import type { RunView } from "../../src/run/view.ts";
import { Journal, readJournal } from "../../src/store/journal.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const usage = { inputTokens: 3, cachedInputTokens: 0, outputTokens: 1, reasoningTokens: 0 };

describe("pool events are the journal's lines", () => {
  it("journals each lifecycle event through the line schema; prompts, final message and worker output go to the agent's files", async () => {
    const dir = mkdtempSync(join(tmpdir(), "baton-recorder-"));
    dirs.push(dir);
    const recorder = new RunRecorder(dir);
    const events: PoolEvent[] = [
      {
        type: "agent.spawned",
        agentId: "agent-1",
        label: "l",
        role: "reviewer",
        backend: "codex",
        message: "first prompt",
        cwd: "/w",
      },
      { type: "turn.started", agentId: "agent-1", turn: 1, pid: 42, prompt: "first prompt" },
      { type: "worker.event", agentId: "agent-1", turn: 1, event: { type: "turn.started" } },
      { type: "worker.stderr", agentId: "agent-1", turn: 1, text: "warn\n" },
      {
        type: "turn.ended",
        agentId: "agent-1",
        turn: 1,
        status: "completed",
        endReason: "completed",
        finalMessage: "the answer",
        usage,
        rateLimited: false,
        retryAfterMs: 5,
      },
      { type: "agent.input", agentId: "agent-1", message: "more", interrupt: false },
      { type: "agent.closed", agentId: "agent-1", previousStatus: "completed" },
    ];
    for (const e of events) {
      expect(PoolEventSchema.safeParse(e).success, e.type).toBe(true);
      recorder.onPoolEvent(e);
    }
    await recorder.close();
    const lines = readFileSync(join(dir, "journal.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.type)).toEqual([
      "agent.spawned",
      "turn.started",
      "turn.ended",
      "agent.input",
      "agent.closed",
    ]);
    expect(lines.map((l) => Object.keys(l).slice(0, 4))).toEqual(lines.map(() => ["v", "seq", "at", "type"]));
    expect(lines[0]).not.toHaveProperty("message");
    expect(lines[0]).toMatchObject({ cwd: "/w", backend: "codex" });
    expect(lines[1]).not.toHaveProperty("prompt");
    expect(lines[1]).toMatchObject({ pid: 42 });
    for (const key of ["finalMessage", "rateLimited", "retryAfterMs"])
      expect(lines[2]).not.toHaveProperty(key);
    expect(lines[2]).toMatchObject({ usage, endReason: "completed" });
    const agent = join(dir, "agents", "agent-1");
    expect(readFileSync(join(agent, "prompt-1.md"), "utf8")).toBe("first prompt");
    expect(readFileSync(join(agent, "final.md"), "utf8")).toBe("the answer");
    expect(readFileSync(join(agent, "stderr.log"), "utf8")).toBe("warn\n");
    expect(readJournal(join(dir, "journal.jsonl")).entries).toHaveLength(5);
  });

  it("refuses a line its schema does not accept, and writes nothing of it", () => {
    const dir = mkdtempSync(join(tmpdir(), "baton-recorder-"));
    dirs.push(dir);
    const file = join(dir, "journal.jsonl");
    const j = new Journal(file);
    j.append({ type: "budget.exhausted", usedTokens: 10, maxTokens: 5 });
    expect(() =>
      j.append({
        type: "turn.ended",
        agentId: "a",
        turn: 1,
        status: "done",
        endReason: "completed",
        usage,
      } as never),
    ).toThrow(/turn.ended journal line does not match its schema: status/);
    expect(readJournal(file).entries.map((e) => e.seq)).toEqual([0]);
    // The seq of a refused line is not used up.
    expect(j.append({ type: "budget.exhausted", usedTokens: 11, maxTokens: 5 }).seq).toBe(1);
    expect(existsSync(file)).toBe(true);
    // Through the recorder the run stops on it, as a bug in baton (E_INTERNAL), not as a full disk.
    const recorder = new RunRecorder(dir);
    recorder.journal.append({ type: "agent.closed", agentId: "a", previousStatus: "gone" } as never);
    expect(recorder.fault?.code).toBe("E_INTERNAL");
    expect(recorder.fault?.message).toMatch(
      /agent.closed journal line does not match its schema: previousStatus/,
    );
  });

  it("a run view that does not match its schema is not written, and never throws into the run", () => {
    const dir = mkdtempSync(join(tmpdir(), "baton-recorder-"));
    dirs.push(dir);
    const recorder = new RunRecorder(dir);
    const view: RunView = {
      runId: "r",
      dir,
      task: "t",
      status: "running",
      pattern: "review",
      agents: [],
      startedAt: 0,
    };
    recorder.writeView(view);
    expect(JSON.parse(readFileSync(join(dir, "run.json"), "utf8"))).toEqual(view);
    expect(() => recorder.writeView({ ...view, status: "done" } as never)).not.toThrow();
    expect(recorder.fault).toMatchObject({
      code: "E_INTERNAL",
      message: expect.stringMatching(/run view of r does not match its schema: status/),
    });
    expect(JSON.parse(readFileSync(join(dir, "run.json"), "utf8"))).toEqual(view);
  });
});
