import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { addUsage, type Usage } from "../core/usage.ts";
import { BatonError } from "../errors.ts";
import { type JournalEntry, readJournal } from "../store/journal.ts";

export interface ReplayedAgent {
  agentId: string;
  role: string;
  label: string;
  prompt: string;
  finalMessage: string;
  usage: Usage;
}

type RunStarted = Extract<JournalEntry, { type: "run.started" }>;
type RunEnded = Extract<JournalEntry, { type: "run.ended" }>;

/**
 * What a killed run already finished, read back from its record, so `baton resume` never repeats a
 * completed turn: a worker the resumed pattern asks for again (same role, label and prompt) is
 * answered from the record instead of being spawned.
 */
export class Replay {
  readonly started: RunStarted;
  /** The highest agent number used, so new agents get fresh ids. */
  readonly lastAgentNumber: number;
  /** How the run ended, when its last start or resume ended (undefined: it was killed). */
  readonly ended: RunEnded | undefined;
  readonly #available: ReplayedAgent[];

  private constructor(
    started: RunStarted,
    available: ReplayedAgent[],
    lastAgentNumber: number,
    ended: RunEnded | undefined,
  ) {
    this.started = started;
    this.#available = available;
    this.lastAgentNumber = lastAgentNumber;
    this.ended = ended;
  }

  static load(dir: string): Replay {
    const { entries } = readJournal(join(dir, "journal.jsonl"));
    const started = entries.find((e): e is RunStarted => e.type === "run.started");
    if (!started)
      throw new BatonError(
        "E_CONFIG",
        `${dir}: the journal has no run.started line; this run cannot be resumed`,
      );
    const spawned = new Map<string, Extract<JournalEntry, { type: "agent.spawned" }>>();
    const lastEnd = new Map<string, Extract<JournalEntry, { type: "turn.ended" }>>();
    const usage = new Map<string, Usage>();
    let last = 0;
    let ended: RunEnded | undefined;
    for (const e of entries) {
      if (e.type === "run.ended") ended = e;
      else if (e.type === "run.resumed") ended = undefined;
      else if (e.type === "agent.spawned") {
        spawned.set(e.agentId, e);
        last = Math.max(last, Number(/(\d+)$/.exec(e.agentId)?.[1] ?? 0));
      } else if (e.type === "turn.ended") {
        lastEnd.set(e.agentId, e);
        const u = usage.get(e.agentId);
        usage.set(e.agentId, u ? addUsage(u, e.usage) : e.usage);
      }
    }
    const available: ReplayedAgent[] = [];
    for (const [agentId, s] of spawned) {
      const end = lastEnd.get(agentId);
      const agentDir = join(dir, "agents", agentId);
      if (end?.endReason !== "completed" || !existsSync(join(agentDir, "final.md"))) continue;
      available.push({
        agentId,
        role: s.role,
        label: s.label,
        prompt: readFileSync(join(agentDir, "prompt-1.md"), "utf8"),
        finalMessage: readFileSync(join(agentDir, "final.md"), "utf8"),
        usage: usage.get(agentId)!,
      });
    }
    return new Replay(started, available, last, ended);
  }

  /** The recorded answer for this worker, once (two identical workers take two records). */
  take(role: string, label: string, prompt: string): ReplayedAgent | undefined {
    const index = this.#available.findIndex(
      (a) => a.role === role && a.label === label && a.prompt === prompt,
    );
    return index === -1 ? undefined : this.#available.splice(index, 1)[0];
  }
}
