import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ownerAlive } from "../core/process/owner.ts";
import { BatonError } from "../errors.ts";
import type { RunView } from "../run/run.ts";
import { runDir, runsDir } from "./paths.ts";

/** A run as read back from its record; `stale` when it says running but its owner process is gone. */
export interface StoredRun {
  view: RunView;
  stale: boolean;
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
  const file = join(dir, "run.json");
  if (!existsSync(dir)) {
    const known = listRunIds(home).slice(-5);
    throw new BatonError(
      "E_NOT_FOUND",
      `no run "${runId}" in ${runsDir(home)}${known.length ? `; recent runs: ${known.join(", ")}` : " (no runs yet)"}`,
      { runId },
    );
  }
  let view: RunView;
  try {
    view = JSON.parse(readFileSync(file, "utf8")) as RunView;
  } catch (error) {
    throw new BatonError("E_IO", `cannot read ${file}: ${(error as Error).message}`, { runId, file });
  }
  let stale = false;
  if (view.status === "running") {
    try {
      const owner = JSON.parse(readFileSync(join(dir, "owner.json"), "utf8")) as { ownerId?: string };
      stale = !owner.ownerId || !ownerAlive(owner.ownerId);
    } catch {
      stale = true;
    }
  }
  return { view, stale };
}

/** The newest run, for commands whose run id is optional. */
export function latestRunId(home?: string): string {
  const ids = listRunIds(home);
  if (ids.length === 0)
    throw new BatonError("E_NOT_FOUND", `no runs yet in ${runsDir(home)}; start one with baton run "<task>"`);
  return ids.at(-1)!;
}
