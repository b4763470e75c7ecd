import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { BatonError } from "../errors.ts";

export interface GitOptions {
  /** Return a non-zero exit as a result instead of throwing (conflicts, `diff --quiet`, probes). */
  allowFail?: boolean;
  /** Extra environment for this one command. */
  env?: NodeJS.ProcessEnv;
}

export interface GitResult {
  stdout: string;
  stderr: string;
  code: number;
}

// A caller's GIT_DIR / GIT_WORK_TREE (baton started from a git hook, for instance) would point every
// command at the wrong repository.
const INHERITED_GIT_VARS = ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_PREFIX"];

function gitEnv(extra: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of INHERITED_GIT_VARS) delete env[name];
  // Never wait for a password or an editor: baton runs unattended.
  return { ...env, GIT_TERMINAL_PROMPT: "0", GIT_EDITOR: "true", GIT_SEQUENCE_EDITOR: "true", ...extra };
}

const tails = new Map<string, Promise<unknown>>();
const commonDirs = new Map<string, Promise<string>>();

/**
 * Runs `fn` after every earlier locked operation on the same key has finished. One key per
 * repository (its common git dir, shared by the main tree and all its worktrees): git's own lock files
 * (`index.lock`, ref locks, `worktrees/`) fail instead of waiting, so baton never runs two at once.
 */
export function withRepoLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  const tail = run.catch(() => undefined);
  tails.set(key, tail);
  void tail.then(() => {
    if (tails.get(key) === tail) tails.delete(key);
  });
  return run;
}

function exec(cwd: string, args: string[], env: NodeJS.ProcessEnv | undefined): Promise<GitResult> {
  return new Promise((done) => {
    execFile(
      "git",
      args,
      { cwd, env: gitEnv(env), maxBuffer: 512 * 1024 * 1024, encoding: "utf8" },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : error.code ? 127 : 1;
        done({ stdout, stderr: stderr || (error && code === 127 ? error.message : ""), code });
      },
    );
  });
}

/** The repository's common git dir (the lock key), absolute; the same for a repo and its worktrees. */
export function repoKey(cwd: string): Promise<string> {
  const dir = resolve(cwd);
  let key = commonDirs.get(dir);
  if (!key) {
    key = exec(dir, ["rev-parse", "--path-format=absolute", "--git-common-dir"], undefined).then((r) => {
      if (r.code !== 0) {
        commonDirs.delete(dir);
        throw gitError(dir, ["rev-parse", "--git-common-dir"], r, "is this a git repository?");
      }
      return r.stdout.trim();
    });
    commonDirs.set(dir, key);
  }
  return key;
}

/**
 * Runs one git command in `cwd` — through `execFile`, never a shell — serialised with every other
 * git command baton runs on the same repository. Throws a `BatonError` naming the command, the exit
 * code and git's stderr, unless `allowFail`.
 *
 * @example
 * const head = (await git(repo, ["rev-parse", "HEAD"])).stdout.trim();
 */
export async function git(cwd: string, args: string[], options: GitOptions = {}): Promise<GitResult> {
  const key = await repoKey(cwd);
  const result = await withRepoLock(key, () => exec(cwd, args, options.env));
  if (result.code !== 0 && !options.allowFail) throw gitError(cwd, args, result);
  return result;
}

/** The trimmed stdout of a git command that must succeed. */
export async function gitOut(cwd: string, args: string[], options: GitOptions = {}): Promise<string> {
  return (await git(cwd, args, options)).stdout.trim();
}

export function gitError(cwd: string, args: string[], r: GitResult, hint?: string): BatonError {
  const stderr = r.stderr.trim().split("\n").slice(-6).join("\n");
  return new BatonError(
    "E_GIT",
    `git ${args.join(" ")} failed in ${cwd} (exit ${r.code})${stderr ? `: ${stderr}` : ""}${hint ? ` — ${hint}` : ""}`,
    { file: cwd, exitCode: r.code },
  );
}

/** Paths listed NUL-separated by git (`-z`), without empty entries. */
export function zList(stdout: string): string[] {
  return stdout.split("\0").filter((s) => s !== "");
}
