import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { codexParser } from "../../src/backends/codex/events.ts";
import type { Backend } from "../../src/backends/types.ts";
import { Supervisor } from "../../src/core/process/supervisor.ts";
import { Git } from "../../src/git/git.ts";

/** Runs git synchronously in a test repository (not through baton's lock: tests set the scene). */
export function sh(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", env: cleanEnv() }).trim();
}

function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR"]) delete env[name];
  return env;
}

export interface TestRepo {
  dir: string;
  /** Removes the repository and everything else the test made under its temp root. */
  cleanup: () => void;
  /** A fresh directory next to the repository (e.g. for baton's home). */
  tempDir: (name: string) => string;
}

/** A real repository in a temp dir: `git init`, identity in the repo config, one commit with `files`. */
export function makeRepo(files: Record<string, string> = { "README.md": "hello\n" }): TestRepo {
  const root = mkdtempSync(join(tmpdir(), "baton-git-"));
  const dir = join(root, "repo");
  mkdirSync(dir);
  sh(dir, "init", "--quiet", "--initial-branch=main");
  sh(dir, "config", "user.name", "Test");
  sh(dir, "config", "user.email", "test@example.com");
  sh(dir, "config", "commit.gpgsign", "false");
  for (const [name, text] of Object.entries(files)) writeFile(dir, name, text);
  sh(dir, "add", "--all");
  sh(dir, "commit", "--quiet", "-m", "initial");
  return {
    dir,
    cleanup: () => rmSync(root, { recursive: true, force: true }),
    tempDir: (name) => {
      const d = join(root, name);
      mkdirSync(d, { recursive: true });
      return d;
    },
  };
}

export function writeFile(dir: string, name: string, text: string): void {
  mkdirSync(dirname(join(dir, name)), { recursive: true });
  writeFileSync(join(dir, name), text);
}

const FAKE_WRITER = fileURLToPath(new URL("./fixtures/fake-writer.mjs", import.meta.url));

/** A backend running test/git/fixtures/fake-writer.mjs: edits files in its cwd unless read-only. */
export function fakeWriterBackend(): Backend {
  return {
    name: "fake-writer",
    resolve: () => process.execPath,
    parser: codexParser,
    command: (request) => ({
      file: process.execPath,
      args: [
        FAKE_WRITER,
        request.prompt,
        request.sandbox,
        (request.outputSchema?.properties as Record<string, unknown> | undefined)?.result
          ? "synthesis"
          : "worker",
      ],
    }),
  };
}

/** The git context of the git tests: its own supervisor (no sidecar), like a run's. */
export const testGit = new Git(new Supervisor({ sidecar: false }));
