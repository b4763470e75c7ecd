import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import { AgentStatusSchema, EndReasonSchema } from "../core/status.ts";
import { UsageSchema } from "../core/usage.ts";
import { BatonError } from "../errors.ts";

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
  }),
]);
export type JournalEntry = z.infer<typeof JournalEntrySchema>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type JournalInput = DistributiveOmit<JournalEntry, "v" | "seq" | "at">;

/** Append-only JSONL journal: one synchronous append per entry, so a crash loses at most the line being written. */
export class Journal {
  readonly file: string;
  #seq: number;

  constructor(file: string) {
    this.file = file;
    this.#seq = existsSync(file) ? readJournal(file).entries.length : 0;
  }

  append(entry: JournalInput): JournalEntry {
    const full = {
      v: JOURNAL_VERSION,
      seq: this.#seq++,
      at: new Date().toISOString(),
      ...entry,
    } as JournalEntry;
    appendFileSync(this.file, `${JSON.stringify(full)}\n`);
    return full;
  }
}

export interface JournalRead {
  entries: JournalEntry[];
  /** Lines of types this version does not know (written by a newer baton); kept, not fatal. */
  unknown: unknown[];
  /** True when the last line was cut off (a crash mid-write); that line is ignored. */
  truncated: boolean;
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
  const last = lines.pop() ?? "";
  const result: JournalRead = { entries: [], unknown: [], truncated: last.trim() !== "" };
  lines.forEach((line, index) => {
    if (line.trim() === "") return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      // A torn final line can end in "\n" only if the crash hit between two writes; anything else is damage.
      if (index === lines.length - 1) {
        result.truncated = true;
        return;
      }
      throw new BatonError("E_CONFIG", `${file}:${index + 1}: the journal line is not JSON`, {
        file,
        line: index + 1,
      });
    }
    const parsed = JournalEntrySchema.safeParse(raw);
    if (parsed.success) result.entries.push(parsed.data);
    else result.unknown.push(raw);
  });
  return result;
}
