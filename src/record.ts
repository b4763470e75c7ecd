/**
 * `baton-agents/record`: read run records (`.baton/runs/<run-id>/`) from code — the runs there, one
 * run's view (rebuilt from the journal when `run.json` is missing or damaged) and its journal lines.
 *
 * @example
 * import { latestRunId, readRun } from "baton-agents/record";
 * const { view, stale } = readRun(latestRunId());
 */

export type { AgentRow, RunStatus, RunView } from "./run/view.ts";
export { type JournalEntry, type JournalRead, readJournal } from "./store/journal.ts";
export { batonHome, runDir } from "./store/paths.ts";
export { latestRunId, listRunIds, readRun, type StoredRun } from "./store/runs.ts";
