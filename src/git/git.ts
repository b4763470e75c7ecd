import { resolve } from "node:path";
import { RUN_DEFAULTS } from "../core/defaults.ts";
import type { Supervisor } from "../core/process/supervisor.ts";
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

export interface GitContextOptions {
  /** Deadline of each command; a command still running then is killed with its tree (`E_TIMEOUT`). */
  timeoutMs?: number;
}

/**
 * How baton runs git: every command through the Supervisor (tagged, under a deadline, its tree killed
 * on timeout or when the supervisor goes), never through a shell, and serialised per repository. One
 * context per run (or per command of the CLI); share one to serialise two runs on the same repository.
 *
 * @example
 * const git = new Git(supervisor);
 * const head = await git.out(repo, ["rev-parse", "HEAD"]);
 */
export class Git {
  readonly #supervisor: Supervisor;
  readonly #scope: string;
  readonly #timeoutMs: number;
  #commands = 0;
  /** The last operation queued on each repository (its common git dir). */
  readonly #tails = new Map<string, Promise<unknown>>();
  readonly #commonDirs = new Map<string, Promise<string>>();

  constructor(supervisor: Supervisor, options: GitContextOptions = {}) {
    this.#supervisor = supervisor;
    this.#scope = supervisor.scope();
    this.#timeoutMs = options.timeoutMs ?? RUN_DEFAULTS.gitTimeoutMs;
  }

  /**
   * Runs one git command in `cwd`, serialised with every other command of this context on the same
   * repository. Throws a `BatonError` naming the command, the exit code and git's stderr, unless
   * `allowFail`; a command that outlives the deadline is killed and is always `E_TIMEOUT`.
   */
  async run(cwd: string, args: string[], options: GitOptions = {}): Promise<GitResult> {
    const key = await this.repoKey(cwd);
    const result = await this.withRepoLock(key, () => this.#exec(cwd, args, options.env));
    if (result.code !== 0 && !options.allowFail) throw gitError(cwd, args, result);
    return result;
  }

  /** The trimmed stdout of a git command that must succeed. */
  async out(cwd: string, args: string[], options: GitOptions = {}): Promise<string> {
    return (await this.run(cwd, args, options)).stdout.trim();
  }

  /**
   * Runs `fn` after every earlier locked operation on the same key has finished. One key per
   * repository (its common git dir, shared by the main tree and all its worktrees): git's own lock
   * files (`index.lock`, ref locks, `worktrees/`) fail instead of waiting, so baton never runs two at once.
   */
  withRepoLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return run;
  }

  /** The repository's common git dir (the lock key), absolute; the same for a repo and its worktrees. */
  repoKey(cwd: string): Promise<string> {
    const dir = resolve(cwd);
    let key = this.#commonDirs.get(dir);
    if (!key) {
      const args = ["rev-parse", "--path-format=absolute", "--git-common-dir"];
      key = this.#exec(dir, args, undefined).then((r) => {
        if (r.code !== 0) {
          this.#commonDirs.delete(dir);
          throw gitError(dir, ["rev-parse", "--git-common-dir"], r, "is this a git repository?");
        }
        return r.stdout.trim();
      });
      this.#commonDirs.set(dir, key);
    }
    return key;
  }

  async #exec(cwd: string, args: string[], env: NodeJS.ProcessEnv | undefined): Promise<GitResult> {
    const child = this.#supervisor.spawn({
      file: "git",
      args,
      cwd,
      env: gitEnv(env),
      // One tag per command: the sweep after one command's exit kills what carries its tag and is
      // younger, which would include a later command still running.
      tag: `${this.#scope}:git:${++this.#commands}`,
      timeoutMs: this.#timeoutMs,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout?.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk));
    const exit = await child.done;
    if (exit.stoppedFor === "timed_out")
      throw new BatonError(
        "E_TIMEOUT",
        `git ${args.join(" ")} did not finish within ${this.#timeoutMs} ms in ${cwd}; it was killed`,
        { file: cwd },
      );
    const text = (chunks: Buffer[]) => Buffer.concat(chunks).toString("utf8");
    if (exit.startError) return { stdout: "", stderr: exit.startError, code: 127 };
    return { stdout: text(stdout), stderr: text(stderr), code: exit.exitCode ?? 1 };
  }
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
