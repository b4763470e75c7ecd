import { existsSync } from "node:fs";
import { join } from "node:path";
import { makePrivateDir, writePrivateFile } from "./private-fs.ts";

/**
 * Creates baton's state directory (0700) with a `.gitignore` of `*`, so `.baton/` never shows up as
 * untracked in the user's repository and is never committed by a worker's `git add -A`.
 */
export function ensureHome(home: string): void {
  makePrivateDir(home);
  const ignore = join(home, ".gitignore");
  if (!existsSync(ignore))
    writePrivateFile(ignore, "# baton's run records and worktrees (see docs/formats.md)\n*\n");
}
