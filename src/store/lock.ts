import { linkSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { ownerAlive } from "../core/process/owner.ts";
import { BatonError } from "../errors.ts";
import { writeJsonAtomic } from "./atomic.ts";

/** `owner.json`: the process that owns a run (pid + start time, so a reused pid is never taken for it). */
export const RunOwnerSchema = z.object({
  pid: z.number(),
  ownerId: z.string(),
  since: z.string().optional(),
});
export type RunOwner = z.infer<typeof RunOwnerSchema>;

const LOCK = "owner.json";
/** A lock breaker works for milliseconds; one older than this was killed while breaking. */
const BREAK_STALE_MS = 5_000;
const WAIT_MS = 2_000;

export function readOwner(dir: string): RunOwner | undefined {
  try {
    return RunOwnerSchema.parse(JSON.parse(readFileSync(join(dir, LOCK), "utf8")));
  } catch {
    return undefined;
  }
}

/**
 * Makes this process the one owner of a run (`run` and `resume` both take it). The lock is
 * `owner.json`, created by a hard link of a complete temp file (so it is never seen half-written and
 * two processes cannot both create it). A lock whose owner is dead is taken over; the takeover itself
 * runs under `owner.json.break` (created exclusively), so two resumes of a dead run cannot both break
 * it. A live owner: `E_BUSY` naming its pid.
 */
export function takeRunLock(dir: string, me: { pid: number; ownerId: string }): void {
  const lock = join(dir, LOCK);
  const candidate = join(dir, `${LOCK}.${me.pid}.candidate`);
  writeJsonAtomic(candidate, { ...me, since: new Date().toISOString() });
  const deadline = Date.now() + WAIT_MS;
  try {
    for (;;) {
      if (tryLink(candidate, lock)) return;
      const owner = readOwner(dir);
      if (owner?.ownerId === me.ownerId) return;
      if (owner && ownerAlive(owner.ownerId))
        throw new BatonError(
          "E_BUSY",
          `run ${dir.split("/").at(-1)} is owned by baton process ${owner.pid} (since ${owner.since ?? "?"}); ` +
            `wait for it, or stop it with baton cancel <run-id>`,
          { file: lock },
        );
      breakStaleLock(dir, owner);
      if (Date.now() > deadline)
        throw new BatonError("E_BUSY", `could not take the lock ${lock}: another baton is taking it over`, {
          file: lock,
        });
    }
  } finally {
    rmSync(candidate, { force: true });
  }
}

/**
 * Gives the run up (at its end); only the owner's own lock is removed. Never throws: a lock that cannot
 * be removed (an unwritable record) names a process that is about to exit, and is taken over later.
 */
export function releaseRunLock(dir: string, me: { ownerId: string }): void {
  try {
    if (readOwner(dir)?.ownerId === me.ownerId) rmSync(join(dir, LOCK), { force: true });
  } catch {}
}

function tryLink(from: string, to: string): boolean {
  try {
    linkSync(from, to);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

function breakStaleLock(dir: string, stale: RunOwner | undefined): void {
  const breaker = join(dir, `${LOCK}.break`);
  const token = join(dir, `${LOCK}.break.${process.pid}`);
  writeJsonAtomic(token, { pid: process.pid });
  try {
    if (!tryLink(token, breaker)) {
      // Someone else is breaking it; if that breaker died, its file is cleared and we try again.
      const age = Date.now() - (statSafe(breaker) ?? Date.now());
      if (age > BREAK_STALE_MS) rmSync(breaker, { force: true });
      pause(20);
      return;
    }
    try {
      // Still the same dead owner (not one that just took it over): remove it.
      if (readOwner(dir)?.ownerId === stale?.ownerId) rmSync(join(dir, LOCK), { force: true });
    } finally {
      rmSync(breaker, { force: true });
    }
  } finally {
    rmSync(token, { force: true });
  }
}

function statSafe(file: string): number | undefined {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
