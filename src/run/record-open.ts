import { existsSync } from "node:fs";
import { join } from "node:path";
import { BatonError } from "../errors.ts";
import { createRunRecord } from "../store/create.ts";
import type { JournalInput } from "../store/journal.ts";
import { releaseRunLock, takeRunLock } from "../store/lock.ts";
import { runDir } from "../store/paths.ts";
import { RunRecorder } from "./recorder.ts";
import { Replay } from "./replay.ts";
import type { RunView } from "./view.ts";

export interface OpenedRecord {
  recorder: RunRecorder;
  replay?: Replay;
}

/**
 * Opens the record of a new run (created whole, with its lock) or of a run to resume: its lock taken
 * over from the dead owner (a live one: `E_BUSY`), its journal's torn tail repaired, and only then
 * read, so two resumes never both run and one that lost the race never repeats a finished run.
 */
export function openRunRecord(o: {
  home: string;
  runId: string;
  resume: boolean;
  owner: { pid: number; ownerId: string };
  started: JournalInput;
  snapshot: RunView;
}): OpenedRecord {
  if (!o.resume) {
    const dir = createRunRecord({
      home: o.home,
      runId: o.runId,
      owner: o.owner,
      lines: [o.started],
      snapshot: o.snapshot,
    });
    return { recorder: new RunRecorder(dir) };
  }
  const dir = runDir(o.runId, o.home);
  if (!existsSync(join(dir, "journal.jsonl")))
    throw new BatonError("E_NOT_FOUND", `no run "${o.runId}" to resume in ${dir}`, { runId: o.runId });
  takeRunLock(dir, o.owner);
  try {
    const recorder = new RunRecorder(dir);
    const replay = Replay.load(dir);
    if (replay.ended && !replay.ended.resumable)
      throw new BatonError(
        "E_USAGE",
        `run ${o.runId} already ended (${replay.ended.status}); nothing to resume — see baton report ${o.runId}`,
        { runId: o.runId },
      );
    recorder.journal.append({
      type: "run.resumed",
      lastAgentNumber: replay.lastAgentNumber,
      ownerPid: o.owner.pid,
    });
    return { recorder, replay };
  } catch (error) {
    releaseRunLock(dir, o.owner);
    if (error instanceof BatonError) throw error;
    throw new BatonError("E_IO", `cannot open the run record ${dir}: ${(error as Error).message}`, {
      runId: o.runId,
      file: dir,
      cause: error,
    });
  }
}
