import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { buildTimeline, type Timeline } from "../../run/timeline.ts";
import type { RunView } from "../../run/view.ts";
import { type JournalEntry, readJournal } from "../../store/journal.ts";
import { runDir } from "../../store/paths.ts";
import { readRun } from "../../store/runs.ts";

/** What an HTML report shows of one agent beyond its timeline lane. */
export interface AgentFiles {
  /** `prompt-<turn>.md`, in turn order. */
  prompts: Array<{ turn: number; text: string; cutChars: number }>;
  finalMessage?: string;
  /** Summed from the backend's `cost` items (claude reports them); undefined when none were reported. */
  costUsd?: number;
}

/** Everything a report page draws, read once from the run record. */
export interface RunRecord {
  view: RunView;
  /** Says running, but its owner process is gone. */
  stale: boolean;
  /** Why `run.json` could not be used and the view was rebuilt from the journal, if it was. */
  rebuilt?: string;
  journal: JournalEntry[];
  timeline: Timeline;
  agents: Map<string, AgentFiles>;
  rehearsal: boolean;
  /** When this picture was taken. */
  nowMs: number;
}

/** Prompts are shown up to this size; the whole text stays in the record. */
export const PROMPT_SHOWN_CHARS = 20_000;

/** Agent files read before, by agent id; a live page reads an agent's files again only when they changed. */
export type AgentFilesCache = Map<string, { key: string; files: AgentFiles }>;

/** Size and change time of a file, `-` when there is none. */
export function fileStamp(file: string): string {
  try {
    const s = statSync(file);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return "-";
  }
}

/** Reads a run through the store's readers: `run.json` for the result, the journal for everything that happened. */
export function loadRunRecord(
  runId: string,
  home?: string,
  nowMs = Date.now(),
  cache: AgentFilesCache = new Map(),
): RunRecord {
  const { view, stale, rebuilt } = readRun(runId, home);
  const dir = runDir(runId, home);
  const file = join(dir, "journal.jsonl");
  const journal = existsSync(file) ? readJournal(file).entries : [];
  // An abandoned run stopped where its journal stops; a live one goes on until now.
  const last = journal.at(-1);
  const timeline = buildTimeline(journal, view.endedAt ?? (stale && last ? Date.parse(last.at) : nowMs));
  const agents = new Map<string, AgentFiles>();
  for (const lane of timeline.lanes) {
    const agentDir = join(dir, "agents", lane.agentId);
    // A running worker's events grow all the time; its cost is known only when its turn ends.
    const events = lane.state === "running" ? "running" : fileStamp(join(agentDir, "events.jsonl"));
    const key = `${lane.turns}|${fileStamp(join(agentDir, "final.md"))}|${events}`;
    let known = cache.get(lane.agentId);
    if (known?.key !== key) {
      known = { key, files: readAgentFiles(agentDir, lane.turns) };
      cache.set(lane.agentId, known);
    }
    agents.set(lane.agentId, known.files);
  }
  const started = journal.find((e) => e.type === "run.started");
  return { view, stale, rebuilt, journal, timeline, agents, rehearsal: isRehearsal(started?.options), nowMs };
}

/** `run.started` records how the workers were made; a rehearsal's talk to a scripted model. */
function isRehearsal(options: Record<string, unknown> | undefined): boolean {
  const launch = options?.launch as { rehearse?: unknown } | undefined;
  return launch?.rehearse === true;
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

function readAgentFiles(dir: string, turns: number): AgentFiles {
  const prompts: AgentFiles["prompts"] = [];
  for (let turn = 1; turn <= turns; turn++) {
    const text = readText(join(dir, `prompt-${turn}.md`));
    if (text === undefined) continue;
    const cutChars = Math.max(0, text.length - PROMPT_SHOWN_CHARS);
    prompts.push({ turn, text: cutChars ? text.slice(0, PROMPT_SHOWN_CHARS) : text, cutChars });
  }
  return { prompts, finalMessage: readText(join(dir, "final.md")), costUsd: reportedCost(dir) };
}

function reportedCost(dir: string): number | undefined {
  const events = readText(join(dir, "events.jsonl"));
  if (!events?.includes('"cost"')) return undefined;
  let total: number | undefined;
  for (const line of events.split("\n")) {
    if (!line.includes('"cost"')) continue;
    try {
      const e = JSON.parse(line) as { item?: { type?: string; costUsd?: unknown } };
      if (e.item?.type === "cost" && typeof e.item.costUsd === "number")
        total = (total ?? 0) + e.item.costUsd;
    } catch {
      // a torn last line of a live stream
    }
  }
  return total;
}
