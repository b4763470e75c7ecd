import { existsSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { Supervisor } from "../core/process/supervisor.ts";
import { BatonError } from "../errors.ts";
import { Git } from "./git.ts";
import { checkRelative, repoRoot } from "./worktree.ts";

export interface WorktreeRepo {
  /** The repository's top level (the main working tree). */
  root: string;
  /** The run's cwd relative to `root` ("" at the top): workers, setup and verify run at the same place in their worktrees. */
  subdir: string;
}

/**
 * Everything worktree writers need from the repository, checked before a run directory exists:
 * a work tree with at least one commit, no merge or rebase in progress, and the files to copy present.
 */
export async function checkWorktreeRepo(
  cwd: string,
  copyFiles: string[] = [],
  given?: Git,
): Promise<WorktreeRepo> {
  // Before a run exists there may be no supervisor yet: then the check has its own, gone when it ends.
  const own = given ? undefined : new Supervisor({ sidecar: false });
  try {
    return await check(given ?? new Git(own!), cwd, copyFiles);
  } finally {
    own?.dispose();
  }
}

async function check(git: Git, cwd: string, copyFiles: string[]): Promise<WorktreeRepo> {
  const dir = resolve(cwd);
  const usage = (what: string) => new BatonError("E_USAGE", `\`writers\` worktree: ${what}`, { file: dir });
  const root = existsSync(dir) ? await repoRoot(git, dir) : undefined;
  if (!root)
    throw usage(
      `${dir} is not inside a git work tree; parallel writers need one (git init && git add -A && git commit), or run them one at a time with \`writers\` serial`,
    );
  const head = await git.run(root, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], {
    allowFail: true,
  });
  if (head.code !== 0)
    throw usage(
      `the repository ${root} has no commit yet; commit once so writers have a base to branch from`,
    );
  for (const name of ["MERGE_HEAD", "rebase-merge", "rebase-apply", "CHERRY_PICK_HEAD"]) {
    const path = await git.out(root, ["rev-parse", "--path-format=absolute", "--git-path", name]);
    if (existsSync(path))
      throw usage(`${root} is in the middle of a merge or rebase (${name}); finish or abort it first`);
  }
  const subdir = relative(root, dir);
  for (const file of copyFiles) {
    checkRelative(join(subdir, file));
    if (!existsSync(join(dir, file)))
      throw new BatonError("E_USAGE", `\`copyFiles\` ${file}: no such file or directory in ${dir}`, { file });
  }
  return { root, subdir };
}
