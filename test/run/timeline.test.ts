import { describe, expect, it } from "vitest";
import { ZERO_USAGE } from "../../src/core/usage.ts";
import { buildTimeline } from "../../src/run/timeline.ts";
import { renderTextTimeline } from "../../src/run/timeline-text.ts";
import type { JournalEntry, JournalInput } from "../../src/store/journal.ts";

const T0 = Date.parse("2026-12-01T10:00:00.000Z");

/** Journal lines as the recorder writes them, `ms` after T0. */
function journal(lines: Array<[number, JournalInput]>): JournalEntry[] {
  return lines.map(
    ([ms, e], seq) => ({ v: 1, seq, at: new Date(T0 + ms).toISOString(), ...e }) as JournalEntry,
  );
}
const started = (runTimeoutMs?: number): JournalInput => ({
  type: "run.started",
  runId: "r",
  task: "t",
  pattern: "review",
  cwd: "/",
  options: runTimeoutMs ? { runTimeoutMs } : {},
});
const spawned = (agentId: string): JournalInput => ({
  type: "agent.spawned",
  agentId,
  label: `lens of ${agentId}`,
  role: "reviewer",
  backend: "codex",
});
const turnStarted = (agentId: string, turn = 1): JournalInput => ({ type: "turn.started", agentId, turn });
const usage = { ...ZERO_USAGE, inputTokens: 100, outputTokens: 10 };
const turnEnded = (
  agentId: string,
  endReason: "completed" | "failed" | "timed_out" | "cancelled",
  turn = 1,
  status: "completed" | "errored" | "pending_init" | "interrupted" = endReason === "completed"
    ? "completed"
    : "errored",
): JournalInput => ({
  type: "turn.ended",
  agentId,
  turn,
  status,
  endReason,
  usage,
  error: endReason === "completed" ? undefined : `it ${endReason}`,
});

describe("buildTimeline", () => {
  it("draws each turn as queued then running, with totals per agent", () => {
    const t = buildTimeline(
      journal([
        [0, started()],
        [10, spawned("agent-1")],
        [10, spawned("agent-2")],
        [20, turnStarted("agent-1")],
        [500, turnStarted("agent-2")],
        [1_500, turnEnded("agent-1", "completed")],
        [2_000, turnEnded("agent-2", "timed_out")],
        [2_010, { type: "agent.closed", agentId: "agent-1", previousStatus: "completed" }],
        [2_100, { type: "run.ended", status: "partial", exitCode: 3 }],
      ]),
      99_999_999_999_999,
    );
    expect(t.ended).toBe(true);
    expect(t.endMs - t.startMs).toBe(2_100);
    expect(t.lanes.map((l) => l.agentId)).toEqual(["agent-1", "agent-2"]);
    const [a, b] = t.lanes;
    expect(a!.segments.map((s) => [s.kind, s.startMs - T0, s.endMs - T0, s.endReason])).toEqual([
      ["queued", 10, 20, undefined],
      ["running", 20, 1_500, "completed"],
    ]);
    expect([a!.queuedMs, a!.runningMs, a!.turns, a!.state]).toEqual([10, 1_480, 1, "closed"]);
    expect(a!.usage.inputTokens).toBe(100);
    expect(b!.segments.at(-1)).toMatchObject({
      kind: "running",
      endReason: "timed_out",
      error: "it timed_out",
    });
    expect([b!.queuedMs, b!.runningMs, b!.state, b!.endReason]).toEqual([490, 1_500, "idle", "timed_out"]);
  });

  it("shows a rate-limit retry as a backoff, then queued, then the next attempt", () => {
    const t = buildTimeline(
      journal([
        [0, started()],
        [0, spawned("agent-1")],
        [100, turnStarted("agent-1", 1)],
        [300, turnEnded("agent-1", "failed", 1, "pending_init")],
        [
          300,
          {
            type: "turn.retry",
            agentId: "agent-1",
            turn: 1,
            attempt: 1,
            delayMs: 1_000,
            error: "429",
            concurrency: 1,
          },
        ],
        [1_600, turnStarted("agent-1", 2)],
        [2_000, turnEnded("agent-1", "completed", 2)],
        [2_001, { type: "run.ended", status: "completed", exitCode: 0 }],
      ]),
      0,
    );
    const lane = t.lanes[0]!;
    expect(lane.segments.map((s) => [s.kind, s.startMs - T0, s.endMs - T0])).toEqual([
      ["queued", 0, 100],
      ["running", 100, 300],
      ["backoff", 300, 1_300],
      ["queued", 1_300, 1_600],
      ["running", 1_600, 2_000],
    ]);
    expect(lane.marks).toEqual([{ kind: "retry", atMs: T0 + 300, text: "retry 1 after 1000 ms: 429" }]);
    expect([lane.turns, lane.endReason, lane.queuedMs]).toEqual([2, "completed", 1_400]);
    expect(renderTextTimeline(t, 20).split("\n")[1]).toBe(
      "agent-1 |###rrrrrrrrrr..#####| completed after 1 retry ran 600ms",
    );
  });

  it("shows the time an agent waited for answers to its questions, and the input that resumed it", () => {
    const t = buildTimeline(
      journal([
        [0, started()],
        [0, spawned("agent-1")],
        [0, turnStarted("agent-1", 1)],
        [1_000, turnEnded("agent-1", "completed", 1)],
        [
          4_000,
          {
            type: "clarification",
            agentId: "agent-1",
            questions: ["Which?"],
            answers: ["A"],
            source: "terminal",
          },
        ],
        [4_000, { type: "agent.input", agentId: "agent-1", message: "answers: A", interrupt: false }],
        [4_050, turnStarted("agent-1", 2)],
        [5_000, turnEnded("agent-1", "completed", 2)],
      ]),
      0,
    );
    const lane = t.lanes[0]!;
    expect(lane.segments.map((s) => [s.kind, s.startMs - T0, s.endMs - T0])).toEqual([
      ["queued", 0, 0],
      ["running", 0, 1_000],
      ["waiting", 1_000, 4_000],
      ["queued", 4_000, 4_050],
      ["running", 4_050, 5_000],
    ]);
    expect([lane.waitingMs, lane.turns]).toEqual([3_000, 2]);
    expect(lane.marks.map((m) => m.kind)).toEqual(["input"]);
  });

  it("keeps a live run open until now and draws its deadline", () => {
    const t = buildTimeline(
      journal([
        [0, started(60_000)],
        [0, spawned("agent-1")],
        [0, spawned("agent-2")],
        [5, turnStarted("agent-1")],
      ]),
      T0 + 3_000,
    );
    expect([t.ended, t.endMs - T0, t.deadlineMs! - T0]).toEqual([false, 3_000, 60_000]);
    const [a, b] = t.lanes;
    expect(a!.segments.at(-1)).toMatchObject({ kind: "running", open: true, endMs: T0 + 3_000 });
    expect([a!.state, b!.state]).toEqual(["running", "queued"]);
    expect(b!.segments).toMatchObject([{ kind: "queued", open: true, startMs: T0, endMs: T0 + 3_000 }]);
  });

  it("ends queued agents at a cancel and marks agents answered from the record of a resumed run", () => {
    const t = buildTimeline(
      journal([
        [0, started()],
        [0, { type: "agent.replayed", agentId: "agent-1", label: "l", role: "reviewer" }],
        [0, spawned("agent-2")],
        [0, turnStarted("agent-2")],
        [10, spawned("agent-3")],
        [700, turnEnded("agent-2", "cancelled", 1, "interrupted")],
        [700, { type: "agent.closed", agentId: "agent-3", previousStatus: "pending_init" }],
        [800, { type: "run.ended", status: "cancelled", exitCode: 130 }],
      ]),
      0,
    );
    const [replayed, cancelled, queued] = t.lanes;
    expect([replayed!.state, replayed!.segments.length, replayed!.marks[0]!.kind]).toEqual([
      "replayed",
      0,
      "replayed",
    ]);
    expect(cancelled!.endReason).toBe("cancelled");
    expect(queued!.segments).toMatchObject([
      { kind: "queued", startMs: T0 + 10, endMs: T0 + 700, open: false },
    ]);
    expect(queued!.state).toBe("closed");
  });
});
