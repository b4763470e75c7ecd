import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type RunOptions, runTask } from "../../src/index.ts";
import { readJournal } from "../../src/store/journal.ts";
import { fakeWriterBackend, makeRepo, sh, type TestRepo } from "./helpers.ts";

// Pattern D with writers in their own worktrees, end to end: runTask, real git repositories, and a
// fake codex-like writer (test/git/fixtures/fake-writer.mjs) that edits files in its cwd.
let repo: TestRepo | undefined;
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
});

function split(task: string, sections: string[], extra: Partial<RunOptions> = {}) {
  repo = makeRepo({ "README.md": "hello\n", "shared.txt": "one\ntwo\nthree\n" });
  const home = repo.tempDir("home");
  const run = runTask({
    task,
    pattern: "split",
    sections,
    write: true,
    writers: "worktree",
    backends: fakeWriterBackend(),
    cwd: repo.dir,
    home,
    timeoutMs: 30_000,
    ...extra,
  });
  return { run, dir: repo.dir, home };
}

const batonBranches = (dir: string) => sh(dir, "branch", "--list", "baton/*", "--format=%(refname:short)");
const worktreeCount = (dir: string) =>
  sh(dir, "worktree", "list", "--porcelain").match(/^worktree /gm)!.length;

describe("parallel writers (Pattern D --write, worktrees, merge queue)", () => {
  it("three writers editing different files: three branches merged, all changes in the tree, no worktree left", async () => {
    const { run, dir, home } = split("Write your slice write:{focus}:made-by-{focus} sleep:300", [
      "a.txt",
      "b.txt",
      "docs/c.md",
    ]);
    const view = await run;
    expect(view.status).toBe("completed");
    expect(view.exitCode).toBe(0);
    const merges = view.result!.merges!;
    expect(merges.map((m) => [m.label, m.merged, m.kept])).toEqual([
      ["a.txt", true, false],
      ["b.txt", true, false],
      ["docs/c.md", true, false],
    ]);
    for (const m of merges) expect(m.branch).toBe(`baton/${view.runId}/${m.agentId}`);
    expect(readFileSync(join(dir, "a.txt"), "utf8")).toBe("made-by-a.txt\n");
    expect(readFileSync(join(dir, "b.txt"), "utf8")).toBe("made-by-b.txt\n");
    expect(readFileSync(join(dir, "docs/c.md"), "utf8")).toBe("made-by-docs/c.md\n");
    expect(sh(dir, "status", "--porcelain")).toBe("");
    // The three writers ran at once, each in its own worktree.
    const writers = view.agents.filter((a) => a.role === "section");
    const firstEnd = Math.min(...writers.map((a) => a.endedAt!));
    expect(writers.every((a) => a.startedAt! < firstEnd)).toBe(true);
    // Nothing left behind: no worktree, no baton branch, no worktree folder.
    expect(worktreeCount(dir)).toBe(1);
    expect(batonBranches(dir)).toBe("");
    expect(existsSync(join(home, "worktrees", view.runId))).toBe(false);
    // The synthesis read the merged slices; the journal tells the story.
    const types = readJournal(join(view.dir, "journal.jsonl")).entries.map((e) => e.type);
    expect(types.filter((t) => t === "merge.prepared")).toHaveLength(3);
    expect(types.filter((t) => t === "merge.ended")).toHaveLength(3);
    expect(types.indexOf("merge.scheduled")).toBeLessThan(types.indexOf("merge.prepared"));
    for (const m of merges) expect(readFileSync(m.patch!, "utf8")).toMatch(/^\+made-by-/m);
  });

  it("two writers editing the same line: the conflict is reported, and both sides stay recoverable", async () => {
    const { run, dir } = split("Edit line:shared.txt:2:TWO-by-{focus}", ["src/one", "src/two"]);
    const view = await run;
    expect(view.status).toBe("partial");
    expect(view.exitCode).toBe(3);
    const [first, second] = view.result!.merges!;
    expect(first).toMatchObject({ label: "src/one", merged: true });
    expect(second).toMatchObject({
      label: "src/two",
      merged: false,
      kept: true,
      conflictFiles: ["shared.txt"],
    });
    expect(second!.reason).toMatch(/conflicts in shared.txt/);
    expect(view.result!.warnings.join("\n")).toMatch(
      new RegExp(
        `src/two \\(${second!.agentId}\\) was not merged: .*branch baton/${view.runId}/${second!.agentId}`,
      ),
    );
    // One side is in the tree; the other on its branch and in the run record's patch.
    expect(readFileSync(join(dir, "shared.txt"), "utf8")).toBe("one\nTWO-by-src/one\nthree\n");
    expect(sh(dir, "show", `${second!.branch}:shared.txt`)).toBe("one\nTWO-by-src/two\nthree");
    const patch = join(view.dir, "agents", second!.agentId, "changes.patch");
    expect(second!.patch).toBe(patch);
    expect(readFileSync(patch, "utf8")).toMatch(/^-two\n\+TWO-by-src\/two$/m);
    expect(readFileSync(first!.patch!, "utf8")).toMatch(/^\+TWO-by-src\/one$/m);
    // The patch applies to the commit both writers started from.
    const base = readJournal(join(view.dir, "journal.jsonl")).entries.find(
      (e) => e.type === "merge.prepared" && e.agentId === second!.agentId,
    ) as { base: string };
    sh(dir, "checkout", "--quiet", "--detach", base.base);
    sh(dir, "apply", "--check", patch);
    expect(worktreeCount(dir)).toBe(1);
    const conflict = readJournal(join(view.dir, "journal.jsonl")).entries.find(
      (e) => e.type === "merge.conflict",
    );
    expect(conflict).toMatchObject({ files: ["shared.txt"], resolver: false });
  });

  it("with --resolve-conflicts a resolver agent merges both sides", async () => {
    const { run, dir } = split(
      "Edit line:shared.txt:2:TWO-by-{focus} resolve-union",
      ["src/one", "src/two"],
      {
        resolveConflicts: true,
      },
    );
    const view = await run;
    expect(view.status).toBe("completed");
    const merges = view.result!.merges!;
    expect(merges.map((m) => m.merged)).toEqual([true, true]);
    const resolver = view.agents.find((a) => a.role === "resolver")!;
    expect(resolver.label).toBe("resolve: src/two");
    expect(merges[1]).toMatchObject({ conflictFiles: ["shared.txt"], resolvedBy: resolver.id });
    const text = readFileSync(join(dir, "shared.txt"), "utf8");
    expect(text).toMatch(/TWO-by-src\/one/);
    expect(text).toMatch(/TWO-by-src\/two/);
    expect(text).not.toMatch(/<<<<<<<|>>>>>>>/);
    expect(readFileSync(join(view.dir, "agents", resolver.id, "prompt-1.md"), "utf8")).toMatch(
      /CONFLICTING FILES:\n- shared.txt/,
    );
    expect(batonBranches(dir)).toBe("");
  });

  it("a failing --verify keeps the branch unmerged and says why", async () => {
    const verify =
      'if grep -q made-by-b.txt b.txt 2>/dev/null; then echo "b.txt breaks the build" >&2; exit 1; fi';
    const { run, dir } = split("Write write:{focus}:made-by-{focus}", ["a.txt", "b.txt"], {
      verifyCommand: verify,
    });
    const view = await run;
    expect(view.status).toBe("partial");
    const [a, b] = view.result!.merges!;
    expect(a).toMatchObject({ merged: true, kept: false });
    expect(b).toMatchObject({ merged: false, kept: true });
    expect(b!.reason).toMatch(
      /^the verify command ".*" exited with code 1: b.txt breaks the build; not merged$/,
    );
    expect(existsSync(join(dir, "a.txt"))).toBe(true);
    expect(existsSync(join(dir, "b.txt"))).toBe(false);
    expect(sh(dir, "show", `${b!.branch}:b.txt`)).toBe("made-by-b.txt");
    expect(readFileSync(join(view.dir, "agents", b!.agentId, "verify.log"), "utf8")).toMatch(
      /breaks the build/,
    );
    expect(view.result!.warnings.join("\n")).toMatch(/b.txt .* was not merged: the verify command/);
    const verdicts = readJournal(join(view.dir, "journal.jsonl"))
      .entries.filter((e) => e.type === "merge.verify")
      .map((e) => (e as { passed: boolean }).passed);
    expect(verdicts).toEqual([true, false]);
    expect(worktreeCount(dir)).toBe(1);
  });

  it("writers with overlapping scopes run one after another, the later one on the earlier one's merged work", async () => {
    const { run, dir } = split("Edit line:shared.txt:2:TWO-by-{focus}", ["src", "src/core"]);
    const view = await run;
    expect(view.status).toBe("completed");
    const [outer, inner] = view.agents.filter((a) => a.role === "section");
    expect(inner!.startedAt!).toBeGreaterThanOrEqual(outer!.endedAt!);
    expect(view.result!.merges!.map((m) => m.merged)).toEqual([true, true]);
    expect(readFileSync(join(dir, "shared.txt"), "utf8")).toBe("one\nTWO-by-src/core\nthree\n");
    const scheduled = readJournal(join(view.dir, "journal.jsonl")).entries.find(
      (e) => e.type === "merge.scheduled",
    );
    expect(scheduled).toMatchObject({ waves: [["src"], ["src/core"]], overlaps: [["src", "src/core"]] });
  });

  it("a writer that fails keeps its work on a branch and in a patch, never merged", async () => {
    const { run, dir } = split("Write write:{focus}:half-done fail-after-write", ["a.txt", "b.txt"]);
    const view = await run;
    expect(view.status).toBe("failed"); // every section worker failed
    expect(batonBranches(dir).split("\n")).toHaveLength(2);
    expect(existsSync(join(dir, "a.txt"))).toBe(false);
    const ended = readJournal(join(view.dir, "journal.jsonl")).entries.filter(
      (e) => e.type === "merge.ended",
    );
    expect(ended).toHaveLength(2);
    for (const e of ended as Array<{ kept: boolean; patch: string; reason: string }>) {
      expect(e.kept).toBe(true);
      expect(e.reason).toMatch(/did not finish/);
      expect(readFileSync(e.patch, "utf8")).toMatch(/^\+half-done$/m);
    }
    expect(worktreeCount(dir)).toBe(1);
  });

  it("refuses worktree writers outside a git repository before any run directory exists", async () => {
    repo = makeRepo();
    const plain = repo.tempDir("plain");
    const home = repo.tempDir("home");
    const attempt = runTask({
      task: "x",
      pattern: "split",
      sections: ["a", "b"],
      write: true,
      writers: "worktree",
      backends: fakeWriterBackend(),
      cwd: plain,
      home,
    });
    await expect(attempt).rejects.toMatchObject({
      code: "E_USAGE",
      message: expect.stringMatching(/not inside a git work tree/),
    });
    expect(readdirSync(home)).toEqual([]);
    await expect(
      runTask({
        task: "x",
        pattern: "split",
        sections: ["a", "b"],
        verifyCommand: "true",
        backends: fakeWriterBackend(),
        home,
      }),
    ).rejects.toThrow(/^`verifyCommand` apply to writers in their own worktrees; add `writers` worktree/);
  });
});
