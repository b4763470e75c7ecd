import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeAnswerer, needsClarification, questionsFromMarker } from "../../src/run/clarify.ts";
import { loadContextPack } from "../../src/run/context-pack.ts";
import { mergeFindings } from "../../src/run/merge.ts";
import { parseWorkerResult } from "../../src/run/parse-result.ts";
import { advancePlan, makePlan, validatePlan } from "../../src/run/plan.ts";
import { workerPrompt } from "../../src/run/prompts.ts";
import { EMPTY_RESULT } from "../../src/run/worker-result.ts";

describe("plan rules", () => {
  it("accepts 3–6 steps with exactly one in progress and advances one step at a time", () => {
    let plan = makePlan(["a", "b", "c"]);
    expect(plan.plan.map((s) => s.status)).toEqual(["in_progress", "pending", "pending"]);
    plan = advancePlan(plan);
    expect(plan.plan.map((s) => s.status)).toEqual(["completed", "in_progress", "pending"]);
  });
  it("rejects too few, too many, and two in progress", () => {
    expect(() => makePlan(["a", "b"])).toThrow(/3–6 short steps/);
    expect(() => makePlan(["1", "2", "3", "4", "5", "6", "7"])).toThrow(/plan/);
    expect(() =>
      validatePlan({
        plan: [
          { step: "a", status: "in_progress" },
          { step: "b", status: "in_progress" },
          { step: "c", status: "pending" },
        ],
      }),
    ).toThrow(/exactly one step must be in_progress, found 2/);
  });
});

describe("worker results", () => {
  it("reads schema JSON as is", () => {
    const json = JSON.stringify({ ...EMPTY_RESULT, summary: "ok" });
    expect(parseWorkerResult(json)).toMatchObject({ format: "json", result: { summary: "ok" } });
  });
  it("reads the seed's Markdown shape when a worker ignores the schema", () => {
    const md = `Summary:
- Two issues found

Findings:
- [high] Missing timeout in \`src/pool.ts:12\`
- Finding 2: unclear name

Proposed changes:
- File: src/pool.ts
- Change: add a default timeout
- Risk: low

Tests:
- npm test

Open questions:
1. Q1: Which default? | Options: 30s, 60s | Recommended: 30s`;
    const { result, format } = parseWorkerResult(md);
    expect(format).toBe("markdown");
    expect(result.summary).toBe("Two issues found");
    expect(result.findings[0]).toMatchObject({ severity: "high", location: "src/pool.ts:12" });
    expect(result.findings[1]!.title).toBe("unclear name");
    expect(result.proposed_changes).toEqual([
      { file: "src/pool.ts", change: "add a default timeout", risk: "low" },
    ]);
    expect(result.tests).toEqual(["npm test"]);
    expect(result.open_questions).toEqual([
      { question: "Which default?", options: ["30s", "60s"], recommended: "30s" },
    ]);
  });
  it("knows a worker that stopped to ask from one that merely lists open questions", () => {
    const asking = parseWorkerResult(
      "CLARIFICATION_NEEDED: Q1: Which file? | Options: a.ts, b.ts | Recommended: a.ts",
    );
    expect(needsClarification("CLARIFICATION_NEEDED: Q1: Which file?", asking.result)).toBe(true);
    expect(
      questionsFromMarker("CLARIFICATION_NEEDED: Q1: Which file? | Options: a.ts, b.ts | Recommended: a.ts"),
    ).toEqual([{ question: "Which file?", options: ["a.ts", "b.ts"], recommended: "a.ts" }]);
    const done = {
      ...EMPTY_RESULT,
      findings: [{ title: "x", severity: "low" as const, location: "", evidence: "", recommendation: "" }],
      open_questions: [{ question: "q", options: [], recommended: "" }],
    };
    expect(needsClarification("{}", done)).toBe(false);
  });
  it("answers from the answers file, then the recommended option", async () => {
    const answerer = makeAnswerer({ Q1: "use b.ts" });
    const r = await answerer.answer([
      { question: "Which file?", options: ["a.ts", "b.ts"], recommended: "a.ts" },
      { question: "Which name?", options: ["x", "y"], recommended: "y" },
    ]);
    expect(r).toEqual({ answers: ["use b.ts", "y"], source: "answers-file" });
  });
});

describe("merge", () => {
  const f = (title: string, severity: "critical" | "high" | "medium" | "low", location = "") => ({
    title,
    severity,
    location,
    evidence: "",
    recommendation: "",
  });
  it("dedupes the same finding from two lenses, keeps the highest severity, ranks by severity then reporters", () => {
    const merged = mergeFindings([
      {
        from: "correctness",
        findings: [
          f("wait() without a timeout can block forever", "high", "src/pool.ts:120"),
          f("typo in docs", "low"),
        ],
      },
      {
        from: "risks",
        findings: [f("wait() can block forever when no timeout is given", "critical", "src/pool.ts:121")],
      },
      { from: "clarity", findings: [f("confusing variable name inbox", "medium", "src/agent.ts:3")] },
    ]);
    expect(merged.map((m) => [m.severity, m.reportedBy.length])).toEqual([
      ["critical", 2],
      ["medium", 1],
      ["low", 1],
    ]);
  });
  it("keeps different findings at the same place apart", () => {
    const merged = mergeFindings([
      { from: "a", findings: [f("race between close and wait", "high", "src/pool.ts:10")] },
      { from: "b", findings: [f("missing JSDoc example", "low", "src/pool.ts:11")] },
    ]);
    expect(merged).toHaveLength(2);
  });
  it("never folds two findings of the same reviewer, even at one place and in similar words", () => {
    const merged = mergeFindings([
      {
        from: "correctness",
        findings: [
          {
            ...f("close does not wait for the tree", "high", "src/pool.ts:40"),
            recommendation: "await the kill",
          },
          { ...f("close does not clear the timer", "medium", "src/pool.ts:41"), recommendation: "clear it" },
        ],
      },
    ]);
    expect(merged.map((m) => m.recommendation)).toEqual(["await the kill", "clear it"]);
  });
  it("across reviewers, a duplicate keeps both recommendations", () => {
    const merged = mergeFindings([
      {
        from: "a",
        findings: [{ ...f("wait blocks forever", "high", "src/pool.ts:9"), recommendation: "add a timeout" }],
      },
      {
        from: "b",
        findings: [
          { ...f("wait blocks forever", "high", "src/pool.ts:9"), recommendation: "abort on signal" },
        ],
      },
      {
        from: "c",
        findings: [{ ...f("wait blocks forever", "low", "src/pool.ts:9"), recommendation: "Add a  timeout" }],
      },
    ]);
    expect(merged).toHaveLength(1);
    expect(merged[0]).toMatchObject({
      recommendation: "add a timeout; abort on signal",
      reportedBy: ["a", "b", "c"],
    });
  });
});

describe("prompts and context pack", () => {
  it("builds the seed's worker prompt: preamble, TASK, SCOPE, LENS, Context Pack, DO, OUTPUT, DO NOT", () => {
    const p = workerPrompt({
      kind: "reviewer",
      task: "src/pool.ts",
      scope: "read-only",
      lens: "risks",
      context: { goal: "no hangs", nonGoals: "style" },
    });
    const order = [
      "CONTEXT: WORKER",
      "TASK: Review",
      "SCOPE: read-only",
      "LENS: risks",
      "CONTEXT PACK:",
      "- Goal: no hangs",
      "- Non-goals: style",
      "DO:",
      "OUTPUT:",
      "DO NOT:",
      "- Make edits",
    ];
    let at = -1;
    for (const part of order) {
      const next = p.indexOf(part);
      expect(next, part).toBeGreaterThan(at);
      at = next;
    }
  });
  it("reads a Markdown context pack and rejects unknown YAML keys with the accepted ones", () => {
    const dir = mkdtempSync(join(tmpdir(), "baton-ctx-"));
    try {
      writeFileSync(join(dir, "c.md"), "## Goal\nNo hangs\n\nConstraints: keep the API\n");
      expect(loadContextPack(join(dir, "c.md"))).toEqual({ goal: "No hangs", constraints: "keep the API" });
      writeFileSync(join(dir, "c.yaml"), "goal: x\nwhy: y\n");
      expect(() => loadContextPack(join(dir, "c.yaml"))).toThrow(/Accepted keys: goal, nonGoals/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("report", () => {
  it("shows merged and kept branches with their patches", async () => {
    const { renderReport } = await import("../../src/run/report.ts");
    const text = renderReport({
      runId: "r",
      dir: "/tmp/r",
      task: "t",
      status: "partial",
      pattern: "split",
      agents: [],
      startedAt: 0,
      endedAt: 1_000,
      result: {
        pattern: "split",
        summary: "s",
        nextStep: "n",
        findings: [],
        proposedChanges: [],
        tests: [],
        openQuestions: [],
        failedWorkers: [],
        warnings: [],
        merges: [
          {
            agentId: "agent-1",
            label: "src/a",
            branch: "baton/r/agent-1",
            merged: true,
            kept: false,
            commit: "0123456789abcdef",
          },
          {
            agentId: "agent-2",
            label: "src/b",
            branch: "baton/r/agent-2",
            merged: false,
            kept: true,
            reason: "conflict",
            conflictFiles: ["shared.txt"],
            patch: "agents/agent-2/changes.patch",
          },
        ],
      },
    });
    expect(text).toContain("- src/a (`baton/r/agent-1`): merged at 0123456789");
    expect(text).toContain(
      "- src/b (`baton/r/agent-2`): NOT merged: conflict — conflicting files: shared.txt; kept on branch `baton/r/agent-2`; patch: `agents/agent-2/changes.patch`",
    );
  });
});
