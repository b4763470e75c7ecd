import { existsSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { BatonError } from "../errors.ts";
import { type RunView, runSnapshot } from "../run/view.ts";
import { writeJsonAtomic } from "./atomic.ts";
import { ensureHome } from "./home.ts";
import { Journal, type JournalInput } from "./journal.ts";
import { takeRunLock } from "./lock.ts";
import { runDir, runsDir } from "./paths.ts";
import { makePrivateDir } from "./private-fs.ts";

export interface NewRunRecord {
  home: string;
  runId: string;
  owner: { pid: number; ownerId: string };
  /** The first journal lines (`run.started`). */
  lines: JournalInput[];
  /** The first `run.json`. */
  snapshot: RunView;
}

/**
 * Creates a run directory whole or not at all: it is built under `<home>/tmp/<run-id>.<pid>` (lock,
 * first journal lines, snapshot) and renamed into `runs/` in one step, so a kill during start-up
 * leaves no half-made run for `status` or `resume` to trip over. Leftovers of killed start-ups are
 * removed by the next one. Failures (a full disk, an unwritable home) are `E_IO` naming the path.
 */
export function createRunRecord(o: NewRunRecord): string {
  const staging = join(o.home, "tmp", `${o.runId}.${process.pid}`);
  const dir = runDir(o.runId, o.home);
  try {
    ensureHome(o.home);
    makePrivateDir(runsDir(o.home));
    removeDeadStaging(join(o.home, "tmp"));
    makePrivateDir(join(staging, "agents"));
    takeRunLock(staging, o.owner);
    const journal = new Journal(join(staging, "journal.jsonl"));
    for (const line of o.lines) journal.append(line);
    writeJsonAtomic(join(staging, "run.json"), runSnapshot(o.snapshot));
    if (existsSync(dir)) throw new Error(`${dir} already exists`);
    renameSync(staging, dir);
    return dir;
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (error instanceof BatonError) throw error;
    throw new BatonError("E_IO", `cannot create the run record ${dir}: ${(error as Error).message}`, {
      runId: o.runId,
      file: dir,
      cause: error,
    });
  }
}

function removeDeadStaging(tmp: string): void {
  if (!existsSync(tmp)) return;
  for (const name of readdirSync(tmp)) {
    const pid = Number(/\.(\d+)$/.exec(name)?.[1]);
    if (pid && pid !== process.pid && !processExists(pid))
      rmSync(join(tmp, name), { recursive: true, force: true });
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
