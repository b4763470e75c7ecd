import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { WorkerOutcome, WorkerSpec } from "../../src/run/context.ts";
import { ParallelWriters, recordSaver, type WriterRunner, writerBranch } from "../../src/run/writers.ts";
import type { JournalInput } from "../../src/store/journal.ts";
import { makeRepo, sh, type TestRepo, testGit, writeFile } from "./helpers.ts";

let repo: TestRepo | undefined;
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
});

const ok = (agentId: string, spec: WorkerSpec): WorkerOutcome => ({
  agentId,
  label: spec.label,
  role: spec.role,
  ok: true,
  endReason: "completed",
  finalMessage: "{}",
});

/** A runner without agents: "spawning" a writer writes `<label>.txt` in its cwd. */
function fakeRunner(done: Map<string, WorkerOutcome> = new Map(), lastAgentNumber = 0) {
  let n = lastAgentNumber;
  const failed: string[] = [];
  const runner: WriterRunner = {
    nextAgentId: () => `agent-${++n}`,
    fromRecord: (spec) => done.get(spec.label),
    spawn: async (specs) =>
      specs.map((s) => {
        writeFile(s.cwd, `${s.label}.txt`, `${s.label}\n`);
        return ok(s.id, s);
      }),
    failed: (spec, agentId, error) => {
      failed.push(`${spec.label}: ${error}`);
      return { ...ok(agentId, spec), ok: false, endReason: "failed", error };
    },
  };
  return { runner, failed };
}

function writers(extra: Partial<ConstructorParameters<typeof ParallelWriters>[0]> = {}) {
  repo = makeRepo();
  const journal: JournalInput[] = [];
  const record = repo.tempDir("record");
  const w = new ParallelWriters({
    runId: "run-1",
    git: testGit,
    repo: repo.dir,
    dir: join(repo.tempDir("worktrees"), "run-1"),
    task: "t",
    journal: (e) => journal.push(e),
    saveFile: recordSaver((id) => join(record, id)),
    ...extra,
  });
  return { w, journal, dir: repo.dir };
}

const spec = (label: string, scope?: string[]): WorkerSpec => ({
  role: "section",
  label,
  prompt: label,
  write: true,
  scope,
});

describe("ParallelWriters", () => {
  it("a writer whose worktree cannot be prepared fails alone; the others merge", async () => {
    const { w, dir } = writers({ setupCommand: 'test "$(basename "$PWD")" != agent-2' });
    const { runner, failed } = fakeRunner();
    const outcomes = await w.run([spec("a", ["a"]), spec("b", ["b"]), spec("c", ["c"])], runner);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    expect(failed).toEqual([
      expect.stringMatching(/^b: its worktree could not be prepared: the setup command/),
    ]);
    expect(w.merges.map((m) => [m.label, m.merged])).toEqual([
      ["a", true],
      ["c", true],
    ]);
    expect(existsSync(join(dir, "a.txt")) && existsSync(join(dir, "c.txt"))).toBe(true);
    expect(sh(dir, "branch", "--list", "baton/*")).toBe("");
  });

  it("a resumed run merges the branch a writer finished before the kill, instead of running it again", async () => {
    const { w, dir, journal } = writers();
    // What the killed run left: agent-1's branch with its work, and its worktree (half-way, uncommitted).
    const path = join(w.options.dir, "agent-1");
    sh(dir, "worktree", "add", "--quiet", "-b", writerBranch("run-1", "agent-1"), path);
    writeFile(path, "from-before.txt", "kept\n");
    const { runner } = fakeRunner(new Map([["a", ok("agent-1", spec("a"))]]), 1);
    const outcomes = await w.run([spec("a", ["a"]), spec("b", ["b"])], runner);
    expect(outcomes.map((o) => o.agentId)).toEqual(["agent-1", "agent-2"]);
    expect(w.merges.map((m) => [m.agentId, m.merged])).toEqual([
      ["agent-1", true],
      ["agent-2", true],
    ]);
    expect(readFileSync(join(dir, "from-before.txt"), "utf8")).toBe("kept\n");
    expect(existsSync(join(dir, "b.txt"))).toBe(true);
    expect(journal.filter((e) => e.type === "merge.prepared")).toHaveLength(1);
  });
});
