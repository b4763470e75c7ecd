import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import { AgentStatusSchema, EndReasonSchema } from "../core/status.ts";
import { UsageSchema } from "../core/usage.ts";
import { BatonError } from "../errors.ts";
import { appendPrivateFile } from "./private-fs.ts";
import { repairJournal, salvageLine } from "./torn.ts";

/** Version of the journal line format. Readers keep accepting every older version (see test fixtures). */
export const JOURNAL_VERSION = 1;

const base = { v: z.number().int().positive(), seq: z.number().int().nonnegative(), at: z.string() };

export const JournalEntrySchema = z.discriminatedUnion("type", [
  z.object({
    ...base,
    type: z.literal("run.started"),
    runId: z.string(),
    task: z.string(),
    pattern: z.string(),
    cwd: z.string(),
    options: z.record(z.string(), z.unknown()),
  }),
  z.object({ ...base, type: z.literal("plan.updated"), plan: z.unknown() }),
  z.object({
    ...base,
    type: z.literal("pattern.chosen"),
    pattern: z.string(),
    rationale: z.string().optional(),
  }),
  z.object({
    ...base,
    type: z.literal("agent.spawned"),
    agentId: z.string(),
    label: z.string(),
    role: z.string(),
    backend: z.string(),
    /** Absent in records made before baton attach: the run's cwd applies. */
    cwd: z.string().optional(),
  }),
  z.object({
    ...base,
    type: z.literal("turn.started"),
    agentId: z.string(),
    turn: z.number(),
    pid: z.number().optional(),
  }),
  z.object({
    ...base,
    type: z.literal("turn.ended"),
    agentId: z.string(),
    turn: z.number(),
    status: AgentStatusSchema,
    endReason: EndReasonSchema,
    error: z.string().optional(),
    usage: UsageSchema,
  }),
  z.object({
    ...base,
    type: z.literal("turn.retry"),
    agentId: z.string(),
    turn: z.number(),
    attempt: z.number(),
    delayMs: z.number(),
    error: z.string(),
    concurrency: z.number(),
  }),
  z.object({ ...base, type: z.literal("budget.exhausted"), usedTokens: z.number(), maxTokens: z.number() }),
  z.object({
    ...base,
    type: z.literal("agent.input"),
    agentId: z.string(),
    message: z.string(),
    interrupt: z.boolean(),
  }),
  z.object({
    ...base,
    type: z.literal("agent.closed"),
    agentId: z.string(),
    previousStatus: AgentStatusSchema,
  }),
  z.object({
    ...base,
    type: z.literal("clarification"),
    agentId: z.string(),
    questions: z.array(z.string()),
    answers: z.array(z.string()),
    source: z.enum(["terminal", "answers-file", "recommended"]),
  }),
  z.object({ ...base, type: z.literal("run.resumed"), lastAgentNumber: z.number(), ownerPid: z.number() }),
  z.object({
    ...base,
    type: z.literal("agent.replayed"),
    agentId: z.string(),
    label: z.string(),
    role: z.string(),
  }),
  // Parallel writers (src/git): worktrees, the merge queue and what became of each writer's branch.
  z.object({
    ...base,
    type: z.literal("merge.scheduled"),
    waves: z.array(z.array(z.string())),
    overlaps: z.array(z.tuple([z.string(), z.string()])),
  }),
  z.object({
    ...base,
    type: z.literal("merge.prepared"),
    agentId: z.string(),
    branch: z.string(),
    path: z.string(),
    base: z.string(),
  }),
  z.object({
    ...base,
    type: z.literal("merge.conflict"),
    agentId: z.string(),
    branch: z.string(),
    files: z.array(z.string()),
    resolver: z.boolean(),
  }),
  z.object({
    ...base,
    type: z.literal("merge.verify"),
    agentId: z.string(),
    command: z.string(),
    passed: z.boolean(),
    exitCode: z.number().nullable(),
  }),
  z.object({
    ...base,
    type: z.literal("merge.ended"),
    agentId: z.string(),
    label: z.string(),
    branch: z.string(),
    merged: z.boolean(),
    kept: z.boolean(),
    reason: z.string().optional(),
    conflictFiles: z.array(z.string()).optional(),
    patch: z.string().optional(),
    commit: z.string().optional(),
    resolvedBy: z.string().optional(),
  }),
  z.object({
    ...base,
    type: z.literal("run.ended"),
    status: z.string(),
    exitCode: z.number(),
    error: z.string().optional(),
    /** The run stopped because its record could not be written; `baton resume` may continue it. */
    resumable: z.boolean().optional(),
  }),
]);
export type JournalEntry = z.infer<typeof JournalEntrySchema>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type JournalInput = DistributiveOmit<JournalEntry, "v" | "seq" | "at">;

/**
 * Lines that a resume depends on are fsync'd before `append` returns; the rest are left to the page
 * cache (they survive a kill of baton, not a power cut). Measured cost: docs/formats.md, "fsync policy".
 */
const DURABLE = new Set<JournalEntry["type"]>([
  "run.started",
  "run.resumed",
  "turn.ended",
  "merge.ended",
  "run.ended",
]);

/**
 * Append-only JSONL journal: one synchronous append per entry, so a crash loses at most the line being
 * written. Opening it repairs a torn tail first, so the next line never glues onto a cut one.
 */
export class Journal {
  readonly file: string;
  #seq = 0;
  /** An append failed (e.g. ENOSPC) and may have left part of its line: repair before the next one. */
  #torn = false;

  constructor(file: string) {
    this.file = file;
    if (existsSync(file)) {
      repairJournal(file);
      const read = readJournal(file);
      this.#seq = read.entries.length + read.unknown.length;
    }
  }

  append(entry: JournalInput): JournalEntry {
    const full = {
      v: JOURNAL_VERSION,
      seq: this.#seq++,
      at: new Date().toISOString(),
      ...entry,
    } as JournalEntry;
    if (this.#torn) repairJournal(this.file);
    this.#torn = true;
    appendPrivateFile(this.file, `${JSON.stringify(full)}\n`, DURABLE.has(full.type));
    this.#torn = false;
    return full;
  }
}

export interface JournalRead {
  entries: JournalEntry[];
  /** Lines of types this version does not know (written by a newer baton); kept, not fatal. */
  unknown: unknown[];
  /** True when the last line was cut off (a crash mid-write); that line is ignored. */
  truncated: boolean;
  /** Lines an older baton glued onto a torn line; the whole entry at their end was read. */
  salvaged: number;
}

export function readJournal(file: string): JournalRead {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new BatonError("E_NOT_FOUND", `cannot read the run journal ${file}: ${(error as Error).message}`, {
      file,
    });
  }
  const lines = text.split("\n");
  const result: JournalRead = { entries: [], unknown: [], truncated: false, salvaged: 0 };
  const add = (raw: unknown) => {
    const parsed = JournalEntrySchema.safeParse(raw);
    if (parsed.success) result.entries.push(parsed.data);
    else result.unknown.push(raw);
  };
  let tail = lines.length - 1;
  while (tail > 0 && lines[tail]!.trim() === "") tail--;
  lines.forEach((line, index) => {
    if (line.trim() === "") return;
    try {
      add(JSON.parse(line));
      return;
    } catch {}
    // The line being written when baton was killed (or a reader racing the writer): ignored.
    if (index === tail) {
      result.truncated = true;
      return;
    }
    const salvaged = salvageLine(line);
    if (salvaged === undefined)
      throw new BatonError(
        "E_CONFIG",
        `${file}:${index + 1}: the journal line is not JSON (the record is damaged; the line is kept as it is)`,
        { file, line: index + 1 },
      );
    result.salvaged++;
    add(salvaged);
  });
  return result;
}
