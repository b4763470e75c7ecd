import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { MergeEvent } from "../../src/git/merge-events.ts";
import { type MergeQueueOptions, runMergeQueue } from "../../src/git/merge-queue.ts";
import { branchExists, createWorktree, type Worktree } from "../../src/git/worktree.ts";
import { makeRepo, sh, type TestRepo, testGit, writeFile } from "./helpers.ts";

let repo: TestRepo | undefined;
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
});

const LINES = "one\ntwo\nthree\n";

function scene() {
  repo = makeRepo({ "shared.txt": LINES, "a.txt": "a\n", "b.txt": "b\n" });
  const record = repo.tempDir("record");
  const wts = repo.tempDir("worktrees");
  const events: MergeEvent[] = [];
  const options: MergeQueueOptions = {
    runId: "run-1",
    saveFile: (agentId, name, text) => {
      mkdirSync(join(record, agentId), { recursive: true });
      writeFileSync(join(record, agentId, name), text);
      return join(record, agentId, name);
    },
    onEvent: (e) => events.push(e),
  };
  const worktree = (agent: string): Promise<Worktree> =>
    createWorktree({
      git: testGit,
      repo: repo!.dir,
      path: join(wts, agent),
      branch: `baton/run-1/${agent}`,
      name: agent,
    });
  return { dir: repo.dir, record, events, options, worktree };
}

const request = (agentId: string, worktree: Worktree, workerOk = true) => ({
  agentId,
  label: agentId,
  worktree,
  workerOk,
});

describe("merge queue", () => {
  it("rebases and fast-forwards writers of different files in turn, then removes worktrees and branches", async () => {
    const s = scene();
    const [w1, w2] = [await s.worktree("agent-1"), await s.worktree("agent-2")];
    writeFile(w1.path, "a.txt", "a changed\n");
    writeFile(w2.path, "b.txt", "b changed\n");
    writeFile(w2.path, "new/file.txt", "new\n"); // untracked files are the writer's work too
    const out = await runMergeQueue([request("agent-1", w1), request("agent-2", w2)], s.options);
    expect(out.map((o) => [o.merged, o.kept])).toEqual([
      [true, false],
      [true, false],
    ]);
    expect(readFileSync(join(s.dir, "a.txt"), "utf8")).toBe("a changed\n");
    expect(readFileSync(join(s.dir, "b.txt"), "utf8")).toBe("b changed\n");
    expect(readFileSync(join(s.dir, "new/file.txt"), "utf8")).toBe("new\n");
    expect(sh(s.dir, "status", "--porcelain")).toBe("");
    expect(sh(s.dir, "log", "--format=%s", "-2")).toBe(
      "baton: agent-2 (agent-2, run run-1)\nbaton: agent-1 (agent-1, run run-1)",
    );
    expect(out[1]!.commit).toBe(sh(s.dir, "rev-parse", "HEAD"));
    for (const w of [w1, w2]) {
      expect(existsSync(w.path)).toBe(false);
      expect(await branchExists(testGit, s.dir, w.branch)).toBe(false);
    }
    expect(readFileSync(out[0]!.patch!, "utf8")).toMatch(/^\+a changed$/m);
    expect(s.events.filter((e) => e.type === "merge.ended")).toHaveLength(2);
  });

  it("reports a conflict with its files and keeps both sides: one merged, the other on its branch and in its patch", async () => {
    const s = scene();
    const [w1, w2] = [await s.worktree("agent-1"), await s.worktree("agent-2")];
    writeFile(w1.path, "shared.txt", "one\nTWO from agent-1\nthree\n");
    writeFile(w2.path, "shared.txt", "one\nTWO from agent-2\nthree\n");
    const [first, second] = await runMergeQueue([request("agent-1", w1), request("agent-2", w2)], s.options);
    expect(first!.merged).toBe(true);
    expect(second).toMatchObject({ merged: false, kept: true, conflictFiles: ["shared.txt"] });
    expect(second!.reason).toMatch(/conflicts in shared.txt; both sides are kept/);
    expect(readFileSync(join(s.dir, "shared.txt"), "utf8")).toMatch(/TWO from agent-1/);
    expect(sh(s.dir, "show", "baton/run-1/agent-2:shared.txt")).toMatch(/TWO from agent-2/);
    expect(readFileSync(second!.patch!, "utf8")).toMatch(/^\+TWO from agent-2$/m);
    // The kept branch is whole: no rebase left half-done, no worktree left behind.
    expect(existsSync(w2.path)).toBe(false);
    expect(sh(s.dir, "worktree", "list", "--porcelain").match(/^worktree /gm)).toHaveLength(1);
    expect(s.events).toContainEqual(
      expect.objectContaining({ type: "merge.conflict", files: ["shared.txt"], resolver: false }),
    );
  });

  it("gives a conflict to the resolver, then continues the rebase and merges both sides", async () => {
    const s = scene();
    const [w1, w2] = [await s.worktree("agent-1"), await s.worktree("agent-2")];
    writeFile(w1.path, "shared.txt", "one\nTWO from agent-1\nthree\n");
    writeFile(w2.path, "shared.txt", "one\nTWO from agent-2\nthree\n");
    const asked: string[][] = [];
    const out = await runMergeQueue([request("agent-1", w1), request("agent-2", w2)], {
      ...s.options,
      resolve: async (req, files) => {
        asked.push(files);
        const file = join(req.worktree.path, files[0]!);
        const text = readFileSync(file, "utf8").replace(/^(<{7}|={7}|>{7}).*\n/gm, "");
        writeFileSync(file, text);
        return { ok: true, agentId: "agent-9" };
      },
    });
    expect(asked).toEqual([["shared.txt"]]);
    expect(out[1]).toMatchObject({ merged: true, resolvedBy: "agent-9", conflictFiles: ["shared.txt"] });
    const merged = readFileSync(join(s.dir, "shared.txt"), "utf8");
    expect(merged).toMatch(/TWO from agent-1/);
    expect(merged).toMatch(/TWO from agent-2/);
  });

  it("does not merge when the resolver leaves conflict markers", async () => {
    const s = scene();
    const [w1, w2] = [await s.worktree("agent-1"), await s.worktree("agent-2")];
    writeFile(w1.path, "shared.txt", "one\nX\nthree\n");
    writeFile(w2.path, "shared.txt", "one\nY\nthree\n");
    const out = await runMergeQueue([request("agent-1", w1), request("agent-2", w2)], {
      ...s.options,
      resolve: async () => ({ ok: true, agentId: "agent-9" }),
    });
    expect(out[1]).toMatchObject({ merged: false, kept: true });
    expect(out[1]!.reason).toMatch(/left conflict markers in shared.txt/);
    expect(sh(s.dir, "show", "baton/run-1/agent-2:shared.txt")).toBe("one\nY\nthree");
  });

  it("keeps the branch unmerged when --verify fails, and says why", async () => {
    const s = scene();
    const w1 = await s.worktree("agent-1");
    writeFile(w1.path, "a.txt", "broken\n");
    const [o] = await runMergeQueue([request("agent-1", w1)], {
      ...s.options,
      verifyCommand: "grep -q broken a.txt && echo 'test failed: a.txt is broken' && exit 1; exit 0",
    });
    expect(o).toMatchObject({ merged: false, kept: true });
    expect(o!.reason).toMatch(
      /^the verify command ".*" exited with code 1: test failed: a.txt is broken; not merged/,
    );
    expect(readFileSync(join(s.dir, "a.txt"), "utf8")).toBe("a\n");
    expect(sh(s.dir, "show", "baton/run-1/agent-1:a.txt")).toBe("broken");
    expect(readFileSync(join(s.record, "agent-1", "verify.log"), "utf8")).toMatch(/test failed/);
    expect(s.events).toContainEqual(
      expect.objectContaining({ type: "merge.verify", passed: false, exitCode: 1 }),
    );
  });

  it("merges after a passing --verify, drops writers that changed nothing, keeps a failed writer's work", async () => {
    const s = scene();
    const [w1, w2, w3] = [
      await s.worktree("agent-1"),
      await s.worktree("agent-2"),
      await s.worktree("agent-3"),
    ];
    writeFile(w1.path, "a.txt", "fine\n");
    writeFile(w3.path, "b.txt", "half done\n");
    const out = await runMergeQueue(
      [
        request("agent-1", w1),
        request("agent-2", w2),
        { ...request("agent-3", w3, false), workerError: "timed_out" },
      ],
      { ...s.options, verifyCommand: "grep -q fine a.txt" },
    );
    expect(out.map((o) => [o.merged, o.kept])).toEqual([
      [true, false],
      [false, false],
      [false, true],
    ]);
    expect(out[1]!.reason).toBe("the writer changed nothing");
    expect(out[2]!.reason).toMatch(/did not finish \(timed_out\)/);
    expect(sh(s.dir, "show", "baton/run-1/agent-3:b.txt")).toBe("half done");
    expect(readFileSync(out[2]!.patch!, "utf8")).toMatch(/^\+half done$/m);
    expect(await branchExists(testGit, s.dir, "baton/run-1/agent-2")).toBe(false);
  });

  it("commits and rebases as baton when git does not know who the user is", async () => {
    const s = scene();
    sh(s.dir, "config", "--unset", "user.name");
    sh(s.dir, "config", "--unset", "user.email");
    const saved = { ...process.env };
    Object.assign(process.env, { GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" });
    for (const v of [
      "GIT_AUTHOR_NAME",
      "GIT_AUTHOR_EMAIL",
      "GIT_COMMITTER_NAME",
      "GIT_COMMITTER_EMAIL",
      "EMAIL",
    ])
      delete process.env[v];
    try {
      const [w1, w2] = [await s.worktree("agent-1"), await s.worktree("agent-2")];
      writeFile(w1.path, "a.txt", "1\n");
      writeFile(w2.path, "b.txt", "2\n");
      const out = await runMergeQueue([request("agent-1", w1), request("agent-2", w2)], s.options);
      expect(out.map((o) => o.merged)).toEqual([true, true]);
      expect(sh(s.dir, "log", "-1", "--format=%an <%ae>")).toBe("baton <baton@localhost>");
    } finally {
      process.env = saved;
    }
  });
});
