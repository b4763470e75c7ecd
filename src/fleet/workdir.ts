import { existsSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import type { Git } from "../git/git.ts";
import type { TurnJob } from "./protocol.ts";

/** What `repoOf` keeps per directory (null: not a repository with a commit). */
export type RepoCache = Map<string, Promise<TurnJob["repo"] | null>>;

/**
 * The submitter's repository at the moment it dispatches: a worker with a checkout of its own runs
 * the turn at the same place in that checkout, and only if it is at the same commit.
 */
export async function repoOf(cwd: string, cache: RepoCache, git: () => Git): Promise<TurnJob["repo"]> {
  let found = cache.get(cwd);
  if (!found) {
    found = headOf(git(), cwd).then(
      (head) => head ?? null,
      () => null, // not a repository (or no commit yet): only shared paths work
    );
    cache.set(cwd, found);
  }
  return (await found) ?? undefined;
}

async function headOf(git: Git, cwd: string): Promise<TurnJob["repo"]> {
  const root = await git.run(cwd, ["rev-parse", "--show-toplevel"], { allowFail: true });
  const commit = await git.run(cwd, ["rev-parse", "HEAD"], { allowFail: true });
  if (root.code !== 0 || commit.code !== 0) return undefined;
  return { root: root.stdout.trim(), commit: commit.stdout.trim() };
}

/** Where a worker runs a turn, or why it cannot. */
export async function workerCwd(
  job: TurnJob,
  checkout: string | undefined,
  workerId: string,
  git: Git,
): Promise<{ cwd: string } | { error: string }> {
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
  const head = (await headOf(git, checkout).catch(() => undefined))?.commit;
  if (head === undefined)
    return { error: `worker ${workerId}: its --checkout ${checkout} is not a git checkout` };
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
