import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runTask } from "../../src/run/run.ts";
import { readJournal } from "../../src/store/journal.ts";
import { useRehearsal } from "../helpers/rehearsal.ts";

// Real codex CLI against the scripted model of examples/rehearsal.yaml.
const t = useRehearsal();

const run = (
  pattern: Parameters<typeof runTask>[0]["pattern"],
  extra: Partial<Parameters<typeof runTask>[0]> = {},
) =>
  runTask({
    task: "Review src/core/pool.ts",
    pattern,
    backends: t.rehearsal.backend,
    home: t.home,
    cwd: t.cwd,
    timeoutMs: 60_000,
    ...extra,
  });

describe("patterns end to end (real codex, scripted model)", () => {
  it("A: triangulated review runs three lenses concurrently and merges a shared finding once, ranked", async () => {
    const view = await run("review");
    expect(view.status).toBe("completed");
    expect(view.exitCode).toBe(0);
    const reviewers = view.agents.filter((a) => a.role === "reviewer");
    expect(reviewers).toHaveLength(3);
    // Concurrent: every reviewer started before any of them ended.
    const firstEnd = Math.min(...reviewers.map((a) => a.endedAt!));
    expect(reviewers.every((a) => a.startedAt! < firstEnd)).toBe(true);
    const r = view.result!;
    const waits = r.findings.filter((f) => /wait\(\).*block forever/i.test(f.title));
    expect(waits).toHaveLength(1);
    expect(waits[0]!.severity).toBe("critical"); // the highest severity of the two reports
    expect(waits[0]!.reportedBy.sort()).toEqual(["correctness and completeness", "risks and failure modes"]);
    expect(r.findings[0]).toBe(waits[0]);
    expect(r.findings.map((f) => f.severity)).toEqual(["critical", "medium", "low"]);
    expect(r.summary).toMatch(/REHEARSAL/);
    expect(r.nextStep).toMatch(/timeout/);
    // The run record holds every agent's files.
    for (const a of view.agents) {
      const dir = join(view.dir, "agents", a.id);
      for (const file of ["prompt-1.md", "events.jsonl", "final.md", "usage.json"])
        expect(existsSync(join(dir, file)), `${a.id}/${file}`).toBe(true);
    }
    for (const a of reviewers) expect(existsSync(join(view.dir, "agents", a.id, "result.json"))).toBe(true);
    const journal = readJournal(join(view.dir, "journal.jsonl"));
    expect(journal.entries.at(-1)).toMatchObject({ type: "run.ended", status: "completed", exitCode: 0 });
    expect(journal.entries.filter((e) => e.type === "agent.closed")).toHaveLength(view.agents.length);
    expect(
      JSON.parse(readFileSync(join(view.dir, "plan.json"), "utf8")).plan.every(
        (s: { status: string }) => s.status === "completed",
      ),
    ).toBe(true);
  });

  it("B: review → fix → verify delivers a verification", async () => {
    const view = await run("review-fix");
    expect(view.status).toBe("completed");
    expect(view.agents.map((a) => a.role)).toEqual(["reviewer", "implementer", "verifier", "synthesis"]);
    expect(view.result!.verification).toEqual({ passed: true, summary: expect.stringMatching(/^PASS/) });
    expect(view.result!.proposedChanges[0]).toMatchObject({ file: "src/core/pool.ts", from: "implementer" });
  });

  it("C: scout → act → verify", async () => {
    const view = await run("scout");
    expect(view.agents.map((a) => a.role)).toEqual(["scout", "implementer", "verifier", "synthesis"]);
    expect(view.result!.verification!.passed).toBe(true);
    const implementerPrompt = readFileSync(
      join(view.dir, "agents", view.agents[1]!.id, "prompt-1.md"),
      "utf8",
    );
    expect(implementerPrompt).toContain("SCOUT REPORT:");
  });

  it("D: split by sections gives one result per slice", async () => {
    const view = await run("split", { sections: ["src/core", "src/cli", "docs"] });
    expect(view.status).toBe("completed");
    expect(view.result!.sections!.map((s) => s.label)).toEqual(["src/core", "src/cli", "docs"]);
  });

  it("E: research → synthesis with sources and uncertainty", async () => {
    const view = await run("research");
    expect(view.result!.findings[0]!.location).toMatch(/^https:/);
    expect(view.result!.openQuestions).toContain("Sources disagree on the default value");
    expect(view.result!.nextStep).not.toBe("");
  });

  it("F: options sprint selects one option and refines it", async () => {
    const view = await run("options", { workers: 2 });
    expect(view.result!.options).toHaveLength(2);
    expect(view.result!.selected).toBe("the simplest thing that works");
    expect(view.agents.at(-1)!.label).toBe("refine: the simplest thing that works");
  });

  it("auto: the planner's structured choice is validated and run", async () => {
    const view = await run("auto");
    expect(view.pattern).toBe("review");
    expect(view.agents[0]!.role).toBe("planner");
    expect(readdirSync(join(view.dir, "agents")).length).toBeGreaterThanOrEqual(5);
  });
});
