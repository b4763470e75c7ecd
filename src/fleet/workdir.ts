import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import type { TurnJob } from "./protocol.ts";

/**
 * The submitter's repository at the moment it dispatches: a worker with a checkout of its own runs
 * the turn at the same place in that checkout, and only if it is at the same commit.
 */
export function repoOf(cwd: string, cache: Map<string, TurnJob["repo"] | null>): TurnJob["repo"] {
  if (!cache.has(cwd)) {
    try {
      const git = (...args: string[]) =>
        execFileSync("git", ["-C", cwd, ...args], {
          encoding: "utf8",
          stdio: ["ignore", "pipe", "ignore"],
        }).trim();
      cache.set(cwd, { root: git("rev-parse", "--show-toplevel"), commit: git("rev-parse", "HEAD") });
    } catch {
      cache.set(cwd, null); // not a repository (or no commit yet): only shared paths work
    }
  }
  return cache.get(cwd) ?? undefined;
}

/** Where a worker runs a turn, or why it cannot. */
export function workerCwd(
  job: TurnJob,
  checkout: string | undefined,
  workerId: string,
): { cwd: string } | { error: string } {
  const cwd = job.request.cwd;
  if (!checkout) {
    if (existsSync(cwd)) return { cwd };
    return {
      error:
        `worker ${workerId} has no directory ${cwd}: run workers where the submitter's path exists (shared storage), ` +
        "or start them with --checkout <dir> on a checkout of the submitter's repository",
    };
  }
  if (!job.repo)
    return {
      error: `worker ${workerId} runs turns in its checkout ${checkout}, but the submitter's ${cwd} is not in a git repository with a commit`,
    };
  let head: string;
  try {
    head = execFileSync("git", ["-C", checkout, "rev-parse", "HEAD"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return { error: `worker ${workerId}: its --checkout ${checkout} is not a git checkout` };
  }
  if (head !== job.repo.commit)
    return {
      error:
        `worker ${workerId}: its checkout ${checkout} is at ${head.slice(0, 12)}, the submitter at ${job.repo.commit.slice(0, 12)}; ` +
        `bring it to the same commit (git -C ${checkout} fetch && git -C ${checkout} checkout ${job.repo.commit})`,
    };
  const inside = relative(job.repo.root, cwd);
  if (inside.startsWith("..") || isAbsolute(inside))
    return {
      error: `worker ${workerId}: the turn's directory ${cwd} is outside the submitter's repository ${job.repo.root}`,
    };
  return { cwd: join(checkout, inside) };
}
