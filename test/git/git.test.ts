import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isBatonError } from "../../src/errors.ts";
import { makeRepo, sh, type TestRepo, testGit, writeFile } from "./helpers.ts";

const git = testGit.run.bind(testGit);
const gitOut = testGit.out.bind(testGit);
const repoKey = testGit.repoKey.bind(testGit);
const withRepoLock = testGit.withRepoLock.bind(testGit);

let repo: TestRepo | undefined;
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
});

describe("git()", () => {
  it("serialises every operation on one repository: 60 concurrent adds and commits, no index.lock error", async () => {
    repo = makeRepo();
    const dir = repo.dir;
    const n = 30;
    for (let i = 0; i < n; i++) writeFile(dir, `f${i}.txt`, `${i}\n`);
    // Each task stages and commits its own file; between the two, other tasks' commands run.
    await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        await git(dir, ["add", `f${i}.txt`]);
        await git(dir, ["commit", "--quiet", "-m", `file ${i}`, "--", `f${i}.txt`]);
      }),
    );
    expect(Number(sh(dir, "rev-list", "--count", "HEAD"))).toBe(n + 1);
    expect(sh(dir, "status", "--porcelain")).toBe("");
  });

  it("uses one lock for a repository and its worktrees", async () => {
    repo = makeRepo();
    const wt = join(repo.tempDir("wts"), "one");
    sh(repo.dir, "worktree", "add", "--quiet", "-b", "side", wt);
    expect(await repoKey(wt)).toBe(await repoKey(repo.dir));
    // Branch creation from both trees at once: the shared ref store is never locked twice.
    await Promise.all(Array.from({ length: 20 }, (_, i) => git(i % 2 ? wt : repo!.dir, ["branch", `b${i}`])));
    expect(sh(repo.dir, "branch", "--list", "b*").split("\n")).toHaveLength(20);
  });

  it("runs locked work one at a time, in call order, even when one fails", async () => {
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const jobs = Array.from({ length: 10 }, (_, i) =>
      withRepoLock("k", async () => {
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setImmediate(r));
        order.push(i);
        running--;
        if (i === 3) throw new Error("boom");
        return i;
      }),
    );
    const settled = await Promise.allSettled(jobs);
    expect(most).toBe(1);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(settled[3]!.status).toBe("rejected");
    expect(settled[4]).toEqual({ status: "fulfilled", value: 4 });
  });

  it("reports a failing command with the command, the exit code and git's stderr", async () => {
    repo = makeRepo();
    const error = await git(repo.dir, ["checkout", "no-such-branch"]).catch((e: unknown) => e);
    expect(isBatonError(error)).toBe(true);
    const e = error as Error & { details: { exitCode: number } };
    expect(e.message).toMatch(/git checkout no-such-branch failed in .* \(exit 1\): .*no-such-branch/);
    expect(e.details.exitCode).toBe(1);
    const probe = await git(repo.dir, ["rev-parse", "--verify", "--quiet", "nope"], { allowFail: true });
    expect(probe.code).toBe(1);
    expect(await gitOut(repo.dir, ["rev-parse", "--abbrev-ref", "HEAD"])).toBe("main");
  });

  it("says when a directory is not a git repository", async () => {
    const dir = mkdtempSync(join(tmpdir(), "baton-nogit-"));
    try {
      await expect(git(dir, ["status"])).rejects.toThrow(/is this a git repository\?/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
