import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { taggedProcesses } from "../../src/core/process/procfs.ts";
import {
  branchExists,
  checkRelative,
  commitWork,
  createWorktree,
  removeWorktree,
  repoRoot,
} from "../../src/git/worktree.ts";
import { makeRepo, sh, type TestRepo, testGit, writeFile } from "./helpers.ts";

let repo: TestRepo | undefined;
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
});

function setup(files?: Record<string, string>) {
  repo = makeRepo({ "README.md": "hello\n", ".gitignore": ".env\nnode_modules/\n", ...files });
  writeFile(repo.dir, ".env", "SECRET=1\n");
  writeFile(repo.dir, "config/local.json", "{}\n");
  return { dir: repo.dir, path: join(repo.tempDir("worktrees"), "run-1", "agent-1") };
}

describe("worktrees", () => {
  it("creates a worktree on its own branch from HEAD, copies the listed files and runs the setup there", async () => {
    const { dir, path } = setup();
    const head = sh(dir, "rev-parse", "HEAD");
    const wt = await createWorktree({
      git: testGit,
      repo: dir,
      path,
      branch: "baton/run-1/agent-1",
      copyFiles: [".env", "config/local.json"],
      setupCommand: "mkdir -p node_modules && echo ready > node_modules/marker && echo built > build.txt",
      name: "test:setup",
    });
    expect(wt.base).toBe(head);
    expect(sh(path, "rev-parse", "--abbrev-ref", "HEAD")).toBe("baton/run-1/agent-1");
    expect(readFileSync(join(path, ".env"), "utf8")).toBe("SECRET=1\n");
    expect(readFileSync(join(path, "config/local.json"), "utf8")).toBe("{}\n");
    expect(readFileSync(join(path, "node_modules/marker"), "utf8")).toBe("ready\n");
    // What baton prepared is never committed as the writer's work; the writer's own files are.
    expect(wt.prepared.sort()).toEqual(["build.txt", "config"]);
    writeFile(path, "src/new.ts", "export {};\n");
    expect(await commitWork(wt, "work")).toBe(true);
    expect(sh(path, "show", "--name-only", "--format=", "HEAD")).toBe("src/new.ts");
    expect(await commitWork(wt, "nothing more")).toBe(false);
    await removeWorktree(wt, { deleteBranch: true });
    expect(existsSync(path)).toBe(false);
    expect(existsSync(join(path, ".."))).toBe(false); // the run's folder of worktrees went with the last one
    expect(await branchExists(testGit, dir, wt.branch)).toBe(false);
    expect(sh(dir, "worktree", "list", "--porcelain").match(/^worktree /gm)).toHaveLength(1);
  });

  it("keeps the branch when asked, and removes worktree and branch when the setup fails", async () => {
    const { dir, path } = setup();
    const wt = await createWorktree({ git: testGit, repo: dir, path, branch: "b/keep", name: "t" });
    writeFile(path, "x.txt", "x\n");
    await commitWork(wt, "x");
    await removeWorktree(wt, { deleteBranch: false });
    expect(existsSync(path)).toBe(false);
    expect(sh(dir, "show", "b/keep:x.txt")).toBe("x");

    const failing = createWorktree({
      git: testGit,
      repo: dir,
      path,
      branch: "b/broken",
      setupCommand: "echo cannot install >&2; exit 3",
      name: "t",
    });
    await expect(failing).rejects.toThrow(
      /the setup command "echo cannot install >&2; exit 3" exited with code 3: cannot install/,
    );
    expect(existsSync(path)).toBe(false);
    expect(await branchExists(testGit, dir, "b/broken")).toBe(false);
  });

  it("a setup command that outlives its timeout is killed with everything it started", async () => {
    const { dir, path } = setup();
    const started = Date.now();
    const failing = createWorktree({
      git: testGit,
      repo: dir,
      path,
      branch: "b/slow",
      setupCommand: "sleep 30 & sleep 30",
      setupTimeoutMs: 300,
      name: "slow-setup-test",
    });
    await expect(failing).rejects.toThrow(/did not finish within 300 ms/);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(taggedProcesses((tag) => tag.endsWith(":slow-setup-test"))).toEqual([]);
  });

  it("rejects copy paths outside the repository and finds the repository root", async () => {
    expect(() => checkRelative("../secrets")).toThrow(/^`copyFiles` "..\/secrets"/);
    expect(() => checkRelative("/etc/passwd")).toThrow(/relative to the repository/);
    expect(checkRelative("./config/")).toBe("config");
    const { dir } = setup();
    writeFile(dir, "sub/x.txt", "");
    expect(await repoRoot(testGit, join(dir, "sub"))).toBe(dir);
    expect(await repoRoot(testGit, repo!.tempDir("plain"))).toBeUndefined();
  });
});
