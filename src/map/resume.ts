import { join } from "node:path";
import { BatonError } from "../errors.ts";
import { readJournal } from "../store/journal.ts";
import { runDir } from "../store/paths.ts";
import { describeIssues } from "../util/zod-issues.ts";
import { type RecordedMapOptions, RecordedMapOptionsSchema } from "./options.ts";

/** The options a map was started with, from its record (the run lock is taken when it resumes). */
export function recordedMapOptions(runId: string, home?: string): RecordedMapOptions {
  const journal = join(runDir(runId, home), "journal.jsonl");
  const started = readJournal(journal).entries.find((e) => e.type === "run.started");
  if (started?.type !== "run.started")
    throw new BatonError("E_NOT_FOUND", `no map "${runId}" to resume (${journal} has no run.started line)`, {
      runId,
    });
  if (started.pattern !== "map")
    throw new BatonError("E_USAGE", `run ${runId} is not a map; continue it with baton resume ${runId}`, {
      runId,
    });
  const parsed = RecordedMapOptionsSchema.safeParse(started.options);
  if (parsed.success) return parsed.data;
  throw new BatonError(
    "E_CONFIG",
    `map ${runId}: its journal's run.started line does not read (${describeIssues(parsed.error, { top: "options" })}); the record is damaged, so the map cannot be resumed as it was started`,
    { runId },
  );
}
