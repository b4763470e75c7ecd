import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { writeJsonAtomic } from "../../src/store/atomic.ts";
import { Journal, readJournal } from "../../src/store/journal.ts";

const V1 = fileURLToPath(new URL("./fixtures/journal-v1.jsonl", import.meta.url));
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), "baton-journal-"));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("journal", () => {
  it("reads the released v1 format, keeping unknown types aside", () => {
    const read = readJournal(V1);
    expect(read.entries.map((e) => e.type)).toEqual([
      "run.started",
      "plan.updated",
      "agent.spawned",
      "turn.started",
      "turn.ended",
      "agent.closed",
      "run.ended",
    ]);
    expect(read.unknown).toEqual([expect.objectContaining({ type: "some.future.type" })]);
    expect(read.truncated).toBe(false);
  });

  it("still loads when the last line was cut off by a crash", () => {
    const file = join(tmp(), "journal.jsonl");
    copyFileSync(V1, file);
    appendFileSync(file, '{"v":1,"seq":8,"at":"2026-11-22T07:00:02.000Z","type":"turn.sta');
    const read = readJournal(file);
    expect(read.truncated).toBe(true);
    expect(read.entries).toHaveLength(7);
  });

  it("names the line of damage in the middle", () => {
    const file = join(tmp(), "journal.jsonl");
    writeFileSync(
      file,
      `${readFileSync(V1, "utf8").split("\n").slice(0, 2).join("\n")}\nnot json\n{"v":1}\n`,
    );
    expect(() => readJournal(file)).toThrow(/journal\.jsonl:3: the journal line is not JSON/);
  });

  it("appends with increasing seq, continuing an existing file", () => {
    const file = join(tmp(), "journal.jsonl");
    copyFileSync(V1, file);
    const j = new Journal(file);
    const e = j.append({ type: "run.ended", status: "failed", exitCode: 1 });
    expect(e).toMatchObject({ v: 1, seq: 7 });
  });

  it("writes snapshots atomically (no temp file left, content replaced whole)", () => {
    const dir = tmp();
    const file = join(dir, "run.json");
    writeJsonAtomic(file, { a: 1 });
    writeJsonAtomic(file, { a: 2 });
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ a: 2 });
  });
});
