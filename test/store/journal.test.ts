import {
  appendFileSync,
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { startedRunOptions } from "../../src/run/options.ts";
import { writeJsonAtomic } from "../../src/store/atomic.ts";
import { Journal, readJournal } from "../../src/store/journal.ts";
import { repairJournal } from "../../src/store/torn.ts";

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

  it("reads a failed run of the released v1 format: its error (a bare message then) as E_INTERNAL, its options through the run's schema", () => {
    const read = readJournal(fileURLToPath(new URL("./fixtures/journal-v1-failed.jsonl", import.meta.url)));
    expect(read.unknown).toEqual([]);
    const [started, ended] = read.entries;
    expect(ended).toMatchObject({
      type: "run.ended",
      status: "failed",
      error: { code: "E_INTERNAL", message: "the planner agent failed: codex exited with code 1" },
    });
    if (started?.type !== "run.started") throw new Error("no run.started");
    expect(startedRunOptions(started)).toEqual({
      task: "Review x",
      pattern: "auto",
      cwd: "/tmp",
      concurrency: 2,
      launch: { backend: "codex" },
    });
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
    // Eight lines (one of a type this version does not know) were there: the next is seq 8, in today's format.
    expect(e).toMatchObject({ v: 2, seq: 8 });
  });

  it("cuts a torn tail aside before appending, so the journal stays readable (resume after a kill mid-write)", () => {
    const dir = tmp();
    const file = join(dir, "journal.jsonl");
    copyFileSync(V1, file);
    const torn = '{"v":1,"seq":8,"at":"2026-11-22T07:00:02.000Z","type":"turn.sta';
    appendFileSync(file, torn);
    const j = new Journal(file);
    j.append({ type: "run.resumed", lastAgentNumber: 1, ownerPid: 1 });
    j.append({ type: "run.ended", status: "completed", exitCode: 0 });
    const read = readJournal(file);
    expect(read.truncated).toBe(false);
    expect(read.entries.slice(-2).map((e) => e.type)).toEqual(["run.resumed", "run.ended"]);
    const aside = readdirSync(dir).filter((n) => n.startsWith("journal.jsonl.torn-"));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(dir, aside[0]!), "utf8")).toBe(torn);
  });

  it("keeps a whole last line that only lost its newline", () => {
    const file = join(tmp(), "journal.jsonl");
    const text = readFileSync(V1, "utf8").trimEnd();
    writeFileSync(file, text);
    expect(repairJournal(file)).toEqual({ action: "newline" });
    expect(readFileSync(file, "utf8")).toBe(`${text}\n`);
    expect(readJournal(file).entries.at(-1)?.type).toBe("run.ended");
  });

  it("reads a journal an older baton damaged by gluing a line onto a torn one", () => {
    const file = join(tmp(), "journal.jsonl");
    const lines = readFileSync(V1, "utf8").split("\n");
    lines[3] = `${lines[3]!.slice(0, 30)}${lines[3]}`;
    writeFileSync(file, lines.join("\n"));
    const read = readJournal(file);
    expect(read.salvaged).toBe(1);
    expect(read.entries.map((e) => e.type)).toContain("turn.started");
  });

  it("writes snapshots atomically (no temp file left, content replaced whole)", () => {
    const dir = tmp();
    const file = join(dir, "run.json");
    writeJsonAtomic(file, { a: 1 });
    writeJsonAtomic(file, { a: 2 });
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ a: 2 });
  });
});
