import { closeSync, existsSync, fstatSync, openSync, readdirSync, readFileSync, readSync } from "node:fs";
import { join } from "node:path";
import { ownerAlive } from "../core/process/owner.ts";
import { BatonError } from "../errors.ts";
import { parseRunSnapshot, type RunView } from "../run/view.ts";
import { readOwner } from "./lock.ts";
import { runDir, runsDir } from "./paths.ts";
import { rebuildView } from "./rebuild.ts";

/** A run as read back from its record; `stale` when it says running but its owner process is gone. */
export interface StoredRun {
  view: RunView;
  stale: boolean;
  /** Set when `run.json` was missing or damaged and the view was rebuilt from the journal. */
  rebuilt?: string;
}

export function listRunIds(home?: string): string[] {
  const dir = runsDir(home);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, "journal.jsonl")))
    .sort();
}

export function readRun(runId: string, home?: string): StoredRun {
  const dir = runDir(runId, home);
  if (!existsSync(join(dir, "journal.jsonl"))) {
    const known = listRunIds(home).slice(-5);
    throw new BatonError(
      "E_NOT_FOUND",
      `no run "${runId}" in ${runsDir(home)}${known.length ? `; recent runs: ${known.join(", ")}` : " (no runs yet)"}`,
      { runId },
    );
  }
  const snapshot = readSnapshot(join(dir, "run.json"));
  let view: RunView;
  let rebuilt: string | undefined;
  if ("view" in snapshot) view = snapshot.view;
  else {
    rebuilt = `run.json ${snapshot.damaged}; rebuilt from the journal`;
    view = rebuildView(dir, runId);
  }
  let stale = false;
  if (view.status === "running") {
    const owner = readOwner(dir);
    stale = !owner || !ownerAlive(owner.ownerId);
    // Killed after `run.ended` but before the last snapshot: the journal says how it ended.
    if (stale && !rebuilt && journalEnded(dir)) {
      const fromJournal = tryRebuild(dir, runId);
      if (fromJournal && fromJournal.status !== "running") {
        view = fromJournal;
        stale = false;
        rebuilt = "run.json was older than the journal's run.ended; rebuilt from the journal";
      }
    }
  }
  return { view, stale, ...(rebuilt ? { rebuilt } : {}) };
}

/** `run.json` through the run view's schema: one that is missing, not JSON or not a run view is rebuilt. */
function readSnapshot(file: string): { view: RunView } | { damaged: string } {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    return {
      damaged:
        (error as NodeJS.ErrnoException).code === "ENOENT"
          ? "is missing"
          : `is damaged (${(error as Error).message})`,
    };
  }
  const parsed = parseRunSnapshot(value);
  return "view" in parsed ? parsed : { damaged: `is damaged (not a run view: ${parsed.damaged})` };
}

/** How much of the journal's end `journalEnded` reads: `run.ended` is one of its last lines. */
const TAIL_BYTES = 64 * 1024;

/**
 * Whether the journal's tail holds a `run.ended` line: only then can a rebuild tell more than the
 * snapshot. Most abandoned runs were killed before it, and a listing should not rebuild each of them.
 */
function journalEnded(dir: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(join(dir, "journal.jsonl"), "r");
    const size = fstatSync(fd).size;
    const length = Math.min(size, TAIL_BYTES);
    const tail = Buffer.alloc(length);
    readSync(fd, tail, 0, length, size - length);
    return tail.includes('"type":"run.ended"');
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function tryRebuild(dir: string, runId: string): RunView | undefined {
  try {
    return rebuildView(dir, runId);
  } catch {
    return undefined;
  }
}

/** The newest run, for commands whose run id is optional. */
export function latestRunId(home?: string): string {
  const ids = listRunIds(home);
  if (ids.length === 0)
    throw new BatonError("E_NOT_FOUND", `no runs yet in ${runsDir(home)}; start one with baton run "<task>"`);
  return ids.at(-1)!;
}
