import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readProc } from "../../src/core/process/procfs.ts";
import type { RunView } from "../../src/run/view.ts";
import { createRunRecord } from "../../src/store/create.ts";
import { Journal } from "../../src/store/journal.ts";
import { readRun } from "../../src/store/runs.ts";

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), "baton-record-"));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) {
    try {
      rmSync(d, { recursive: true, force: true });
    } catch {}
  }
});
const me = { pid: process.pid, ownerId: `${process.pid}.${readProc(process.pid)!.startTicks}` };
const started = (runId: string) => ({
  type: "run.started" as const,
  runId,
  task: "t",
  pattern: "review",
  cwd: "/",
  options: {},
});
/** A valid first snapshot, as a run writes it. */
const snapshot = (runId: string): RunView => ({
  runId,
  dir: "",
  task: "t",
  status: "running",
  pattern: "review",
  agents: [],
  startedAt: 0,
});
const usage = { inputTokens: 5, cachedInputTokens: 0, outputTokens: 2, reasoningTokens: 0 };

describe("run record on disk", () => {
  it("is created whole: private modes, .baton/.gitignore, no staging left", () => {
    const home = join(tmp(), ".baton");
    const dir = createRunRecord({
      home,
      runId: "r1",
      owner: me,
      lines: [started("r1")],
      snapshot: snapshot("r1"),
    });
    expect(readFileSync(join(home, ".gitignore"), "utf8")).toMatch(/^\*$/m);
    for (const d of [home, join(home, "runs"), dir, join(dir, "agents")])
      expect(statSync(d).mode & 0o777, d).toBe(0o700);
    for (const f of ["journal.jsonl", "run.json", "owner.json"])
      expect(statSync(join(dir, f)).mode & 0o777, f).toBe(0o600);
    expect(readdirSync(join(home, "tmp"))).toEqual([]);
  });

  it("a start-up killed half-way leaves nothing in runs/, and its leftover is cleared by the next start", () => {
    const home = join(tmp(), ".baton");
    // What a kill between "mkdir" and "rename" leaves: a staging directory of a dead process.
    mkdirSync(join(home, "tmp", "r0.999999999"), { recursive: true });
    writeFileSync(join(home, "tmp", "r0.999999999", "owner.json.999999999.tmp"), "");
    createRunRecord({ home, runId: "r2", owner: me, lines: [started("r2")], snapshot: snapshot("r2") });
    expect(readdirSync(join(home, "runs"))).toEqual(["r2"]);
    expect(readdirSync(join(home, "tmp"))).toEqual([]);
  });

  it("a full or unwritable home is one E_IO error naming the path, and nothing is half-made", () => {
    const home = join(tmp(), ".baton");
    mkdirSync(join(home, "runs"), { recursive: true });
    writeFileSync(join(home, "tmp"), "a file where a directory must be");
    expect(() =>
      createRunRecord({ home, runId: "r3", owner: me, lines: [started("r3")], snapshot: snapshot("r3") }),
    ).toThrow(/cannot create the run record .*r3/);
    expect(readdirSync(join(home, "runs"))).toEqual([]);
  });

  it("a missing or damaged run.json is rebuilt from the journal", () => {
    const home = join(tmp(), ".baton");
    const dir = createRunRecord({
      home,
      runId: "r4",
      owner: me,
      lines: [started("r4")],
      snapshot: snapshot("r4"),
    });
    const j = new Journal(join(dir, "journal.jsonl"));
    j.append({ type: "plan.updated", plan: { plan: [{ step: "a", status: "completed" }] } });
    j.append({
      type: "agent.spawned",
      agentId: "agent-1",
      label: "correctness",
      role: "reviewer",
      backend: "codex",
    });
    j.append({ type: "turn.started", agentId: "agent-1", turn: 1, pid: 1 });
    j.append({
      type: "turn.ended",
      agentId: "agent-1",
      turn: 1,
      status: "completed",
      endReason: "completed",
      usage,
    });
    mkdirSync(join(dir, "agents", "agent-1"), { recursive: true });
    writeFileSync(join(dir, "agents", "agent-1", "final.md"), "the answer");
    for (const [damage, why] of [
      [() => rmSync(join(dir, "run.json")), /run.json is missing/],
      [() => writeFileSync(join(dir, "run.json"), '{"run'), /run.json is damaged \(.*JSON/],
      // Valid JSON, but not a run view: one wrong field is enough, and the reason names it.
      [
        () => writeFileSync(join(dir, "run.json"), JSON.stringify({ ...snapshot("r4"), status: "finished" })),
        /run.json is damaged \(not a run view: status: /,
      ],
      [
        () =>
          writeFileSync(join(dir, "run.json"), JSON.stringify({ ...snapshot("r4"), agents: [{ id: 1 }] })),
        /not a run view: agents\.0\.id: /,
      ],
    ] as const) {
      damage();
      const { view, rebuilt } = readRun("r4", home);
      expect(rebuilt).toMatch(why);
      expect(rebuilt).toMatch(/rebuilt from the journal/);
      expect(view).toMatchObject({ runId: "r4", task: "t", status: "running", pattern: "review" });
      expect(view.plan?.plan[0]?.step).toBe("a");
      expect(view.agents).toEqual([
        expect.objectContaining({ id: "agent-1", endReason: "completed", usage, finalMessage: "the answer" }),
      ]);
    }
    j.append({ type: "run.ended", status: "completed", exitCode: 0 });
    expect(readRun("r4", home).view.status).toBe("completed");
  });

  it("reads the error of records made before errors kept their code (a string) as E_INTERNAL", () => {
    const home = join(tmp(), ".baton");
    const dir = createRunRecord({
      home,
      runId: "r6",
      owner: me,
      lines: [started("r6")],
      snapshot: snapshot("r6"),
    });
    // Lines and snapshot as baton 0.1 wrote them: the error as a bare message.
    writeFileSync(
      join(dir, "journal.jsonl"),
      `${readFileSync(join(dir, "journal.jsonl"), "utf8")}{"v":1,"seq":1,"at":"2026-11-22T07:00:01.030Z","type":"run.ended","status":"failed","exitCode":1,"error":"the planner failed"}\n`,
    );
    writeFileSync(
      join(dir, "run.json"),
      JSON.stringify({ ...snapshot("r6"), status: "failed", error: "the planner failed", endedAt: 1 }),
    );
    const old = { code: "E_INTERNAL", message: "the planner failed" };
    // A stored result is read as written: a key another version added to a finding is dropped, not fatal.
    const finding = {
      title: "t",
      severity: "low",
      location: "",
      evidence: "",
      recommendation: "",
      reportedBy: ["a"],
    };
    const result = { pattern: "review", summary: "s", nextStep: "n", findings: [{ ...finding, seenBy: 2 }] };
    const lists = { proposedChanges: [], tests: [], openQuestions: [], failedWorkers: [], warnings: [] };
    const stored = JSON.parse(readFileSync(join(dir, "run.json"), "utf8"));
    writeFileSync(join(dir, "run.json"), JSON.stringify({ ...stored, result: { ...result, ...lists } }));
    expect(readRun("r6", home).view.result?.findings).toEqual([finding]);
    const run = readRun("r6", home);
    expect(run.rebuilt).toBeUndefined();
    expect(run.view.error).toEqual(old);
    rmSync(join(dir, "run.json"));
    expect(readRun("r6", home)).toMatchObject({
      rebuilt: expect.stringMatching(/missing/),
      view: { status: "failed", error: old },
    });
  });

  it("writes run.json through the view's schema: a coded error, and a view that is not one is refused", () => {
    const home = join(tmp(), ".baton");
    const error = { code: "E_BACKEND" as const, message: "codex exited 1" };
    const dir = createRunRecord({
      home,
      runId: "r7",
      owner: me,
      lines: [started("r7")],
      snapshot: { ...snapshot("r7"), status: "failed", error },
    });
    expect(JSON.parse(readFileSync(join(dir, "run.json"), "utf8")).error).toEqual(error);
    expect(readRun("r7", home).view.error).toEqual(error);
    expect(() =>
      createRunRecord({
        home,
        runId: "r8",
        owner: me,
        lines: [started("r8")],
        snapshot: { ...snapshot("r8"), status: "done" } as unknown as RunView,
      }),
    ).toThrow(/run view of r8 does not match its schema: status/);
  });

  it("a run.json older than the journal's run.ended (killed in between) reads as the journal says", () => {
    const home = join(tmp(), ".baton");
    const dir = createRunRecord({
      home,
      runId: "r5",
      owner: { pid: 999_999_999, ownerId: "999999999.1" },
      lines: [started("r5")],
      snapshot: snapshot("r5"),
    });
    new Journal(join(dir, "journal.jsonl")).append({ type: "run.ended", status: "partial", exitCode: 3 });
    const run = readRun("r5", home);
    expect(run).toMatchObject({ stale: false, view: { status: "partial" } });
    expect(run.rebuilt).toMatch(/older than the journal's run.ended/);
  });
});
