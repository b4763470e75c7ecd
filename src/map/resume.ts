import { join } from "node:path";
import { BatonError } from "../errors.ts";
import { readJournal } from "../store/journal.ts";
import { runDir } from "../store/paths.ts";
import { readRun } from "../store/runs.ts";
import type { RecordedMapOptions } from "./options.ts";

/** The options a map was started with, from its record; refuses a map whose process still runs it. */
export function recordedMapOptions(runId: string, home?: string): RecordedMapOptions {
  const { view, stale } = readRun(runId, home);
  const started = readJournal(join(runDir(runId, home), "journal.jsonl")).entries.find(
    (e) => e.type === "run.started",
  );
  if (started?.type !== "run.started" || started.pattern !== "map")
    throw new BatonError("E_USAGE", `run ${runId} is not a map; continue it with baton resume ${runId}`, {
      runId,
    });
  if (view.status === "running" && !stale)
    throw new BatonError(
      "E_BUSY",
      `map ${runId} is still running; stop it with baton cancel ${runId} first`,
      { runId },
    );
  return started.options as RecordedMapOptions;
}
