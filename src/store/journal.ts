import { existsSync, readFileSync } from "node:fs";
import { BatonError } from "../errors.ts";
import { describeIssues } from "../util/zod-issues.ts";
import {
  JOURNAL_VERSION,
  type JournalEntry,
  JournalEntrySchema,
  type JournalInput,
} from "./journal-schema.ts";
import { appendPrivateFile } from "./private-fs.ts";
import { repairJournal, salvageLine } from "./torn.ts";

export type { JournalEntry, JournalInput } from "./journal-schema.ts";

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

  /** Appends one event as a line: the envelope added, through the line schema (fields it does not name are dropped). */
  append(entry: JournalInput): JournalEntry {
    const parsed = JournalEntrySchema.safeParse({
      ...entry,
      v: JOURNAL_VERSION,
      seq: this.#seq,
      at: new Date().toISOString(),
    });
    if (!parsed.success)
      throw new BatonError(
        "E_INTERNAL",
        `a ${entry.type} journal line does not match its schema: ${describeIssues(parsed.error)}`,
      );
    const full = parsed.data;
    this.#seq++;
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
