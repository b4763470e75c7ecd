import { cpSync, existsSync, mkdirSync, readdirSync, rmdirSync, rmSync } from "node:fs";
import { dirname, isAbsolute, join, normalize, resolve, sep } from "node:path";
import { RUN_DEFAULTS } from "../core/defaults.ts";
import type { Supervisor } from "../core/process/supervisor.ts";
import { BatonError } from "../errors.ts";
import { describeFailure, runUserCommand } from "./command.ts";
import { type Git, zList } from "./git.ts";

/** A writer's own checkout: a git worktree on its own branch, forked from the target's HEAD. */
export interface Worktree {
  /** Runs its git commands (serialised with the rest of the run's). */
  git: Git;
  /** The main working tree (the repository's top level). */
  repo: string;
  path: string;
  branch: string;
  /** The commit it was forked from: where the writer's changes start. */
  base: string;
  /** Paths baton put there (copied files, what the setup command made): never committed as the writer's work. */
  prepared: string[];
}

export interface CreateWorktreeOptions {
  git: Git;
  repo: string;
  path: string;
  branch: string;
  /** Files or directories, relative to the repository's top level, copied in (`.env`, local config). */
  copyFiles?: string[];
  /** Run with `sh -c` in the new worktree, e.g. `npm ci`. */
  setupCommand?: string;
  /** Where in the worktree the setup runs (relative; default its top level). */
  setupCwd?: string;
  setupTimeoutMs?: number;
  signal?: AbortSignal;
  /** Owns the command's process; default: one for that command alone. */
  supervisor?: Supervisor;
  /** Names the setup process in baton's tag. */
  name: string;
}

/**
 * Creates `path` on a new branch from the repository's HEAD, copies the listed files in and runs the
 * setup command there. If the setup fails the worktree and branch are removed (nothing was done in
 * them yet) and a `BatonError` says why.
 */
export async function createWorktree(o: CreateWorktreeOptions): Promise<Worktree> {
  const base = await o.git.out(o.repo, ["rev-parse", "--verify", "HEAD^{commit}"]);
  mkdirSync(dirname(o.path), { recursive: true });
  await o.git.run(o.repo, ["worktree", "add", "--quiet", "-b", o.branch, o.path, base]);
  const wt: Worktree = { git: o.git, repo: o.repo, path: o.path, branch: o.branch, base, prepared: [] };
  try {
    for (const file of o.copyFiles ?? []) {
      const rel = checkRelative(file);
      cpSync(join(o.repo, rel), join(o.path, rel), { recursive: true, force: true });
    }
    if (o.setupCommand) {
      const timeoutMs = o.setupTimeoutMs ?? RUN_DEFAULTS.userCommandTimeoutMs;
      const r = await runUserCommand(o.setupCommand, {
        cwd: join(o.path, o.setupCwd ?? ""),
        timeoutMs,
        signal: o.signal,
        name: o.name,
        supervisor: o.supervisor,
      });
      if (r.code !== 0 || r.timedOut || r.cancelled)
        throw new BatonError(
          r.timedOut ? "E_TIMEOUT" : r.cancelled ? "E_INTERRUPTED" : "E_BACKEND",
          describeFailure("the setup command", o.setupCommand, r, timeoutMs),
        );
    }
    // Ignored files (.env, node_modules) need no exclusion, and naming them in `git add` is an error.
    wt.prepared = await changedPaths(wt);
    return wt;
  } catch (error) {
    await removeWorktree(wt, { deleteBranch: true });
    throw error;
  }
}

/** A listed copy path must stay inside the repository. */
export function checkRelative(file: string): string {
  const rel = normalize(file).replace(/[/\\]+$/, "");
  if (isAbsolute(rel) || rel === ".." || rel.startsWith(`..${sep}`) || rel === "." || rel === "")
    throw new BatonError(
      "E_USAGE",
      `\`copyFiles\` "${file}": expected a path relative to the repository, inside it (e.g. .env or config/local.json)`,
    );
  return rel;
}

/** Paths with changes (tracked or untracked, not ignored) in a worktree. */
async function changedPaths(wt: Worktree): Promise<string[]> {
  const out = await wt.git.run(wt.path, ["status", "--porcelain=v1", "-z", "--untracked-files=normal"]);
  const paths: string[] = [];
  const entries = zList(out.stdout);
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    paths.push(entry.slice(3).replace(/\/$/, ""));
    if (entry[0] === "R" || entry[0] === "C") i++; // the next entry is the rename's source
  }
  return paths;
}

/**
 * Commits everything the writer left uncommitted in its worktree (new files too), except what baton
 * prepared. Returns whether a commit was made.
 */
export async function commitWork(wt: Worktree, message: string): Promise<boolean> {
  await stageWork(wt);
  const staged = await wt.git.run(wt.path, ["diff", "--cached", "--quiet"], { allowFail: true });
  if (staged.code === 0) return false;
  await wt.git.run(wt.path, ["commit", "--quiet", "--no-verify", "-m", message], {
    env: await identityEnv(wt.git, wt.repo),
  });
  return true;
}

/** Stages every change in the worktree except what baton prepared. */
export async function stageWork(wt: Worktree): Promise<void> {
  const excluded = wt.prepared.map((p) => `:(exclude,literal)${p}`);
  await wt.git.run(wt.path, ["add", "--all", "--", ".", ...excluded]);
}

/** baton commits as the user when git knows who that is, else as "baton". */
export async function identityEnv(git: Git, repo: string): Promise<NodeJS.ProcessEnv> {
  const email = await git.run(repo, ["config", "--get", "user.email"], { allowFail: true });
  const name = await git.run(repo, ["config", "--get", "user.name"], { allowFail: true });
  const env: NodeJS.ProcessEnv = {};
  if (email.code !== 0 && !process.env.GIT_AUTHOR_EMAIL)
    Object.assign(env, { GIT_AUTHOR_EMAIL: "baton@localhost", GIT_COMMITTER_EMAIL: "baton@localhost" });
  if (name.code !== 0 && !process.env.GIT_AUTHOR_NAME)
    Object.assign(env, { GIT_AUTHOR_NAME: "baton", GIT_COMMITTER_NAME: "baton" });
  return env;
}

/** Removes the worktree (with what baton prepared in it) and, if asked, its branch. */
export async function removeWorktree(wt: Worktree, o: { deleteBranch: boolean }): Promise<void> {
  const removed = await wt.git.run(wt.repo, ["worktree", "remove", "--force", "--force", wt.path], {
    allowFail: true,
  });
  if (removed.code !== 0) {
    rmSync(wt.path, { recursive: true, force: true });
    await wt.git.run(wt.repo, ["worktree", "prune"], { allowFail: true });
  }
  if (o.deleteBranch) await wt.git.run(wt.repo, ["branch", "--quiet", "-D", wt.branch], { allowFail: true });
  removeIfEmpty(dirname(wt.path));
}

function removeIfEmpty(dir: string): void {
  try {
    if (existsSync(dir) && readdirSync(dir).length === 0) rmdirSync(dir);
  } catch {
    // another writer's worktree appeared meanwhile
  }
}

export async function branchExists(git: Git, repo: string, branch: string): Promise<boolean> {
  const r = await git.run(repo, ["show-ref", "--verify", "--quiet", `refs/heads/${branch}`], {
    allowFail: true,
  });
  return r.code === 0;
}

/** The top level of the repository `cwd` is in, or undefined when it is not in a work tree. */
export async function repoRoot(git: Git, cwd: string): Promise<string | undefined> {
  try {
    const r = await git.run(resolve(cwd), ["rev-parse", "--show-toplevel"], { allowFail: true });
    return r.code === 0 && r.stdout.trim() ? r.stdout.trim() : undefined;
  } catch {
    return undefined;
  }
}
