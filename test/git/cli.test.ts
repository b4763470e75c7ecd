import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { makeRepo, type TestRepo } from "./helpers.ts";

const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
let repo: TestRepo | undefined;
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
});

function baton(cwd: string, home: string, args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    cwd,
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, BATON_HOME: home },
  });
  return { code: r.status, stderr: r.stderr };
}

describe("baton run: writer flags", () => {
  const split = ["run", "Add validation", "--pattern", "split", "--sections", "a,b"];
  it.each([
    ["--write outside a git repository", [...split, "--write"], "plain", /not inside a git work tree/],
    [
      "--copy of a missing file",
      [...split, "--write", "--copy", ".env"],
      "repo",
      /--copy .env: no such file/,
    ],
    ["--copy outside the repository", [...split, "--write", "--copy", "../x"], "repo", /inside it/],
    [
      "--write with another pattern",
      ["run", "x", "--pattern", "review", "--write"],
      "repo",
      /does not apply to --pattern review/,
    ],
    [
      "--verify with serial writers",
      [...split, "--writers", "serial", "--verify", "npm test"],
      "repo",
      /--verify apply to writers in their own worktrees/,
    ],
    [
      "an unknown writers mode",
      [...split, "--writers", "many"],
      "repo",
      /Allowed choices are serial, worktree/,
    ],
  ])("%s exits 2, says why, and leaves no run directory", (_, args, where, message) => {
    repo = makeRepo();
    const home = repo.tempDir("home");
    const cwd = where === "plain" ? repo.tempDir("plain") : repo.dir;
    const r = baton(cwd, home, args as string[]);
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.code).toBe(2);
    expect(existsSync(join(home, "runs"))).toBe(false);
  });
});
