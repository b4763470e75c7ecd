import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ZERO_USAGE } from "../../src/core/usage.ts";
import { csvLine, parseCsv } from "../../src/map/csv.ts";
import { outputSchema } from "../../src/map/output-schema.ts";
import { progressLine, progressView } from "../../src/map/progress.ts";
import { ResultsFile } from "../../src/map/results.ts";
import { loadTasks } from "../../src/map/tasks.ts";
import { renderPrompt, templateFields } from "../../src/map/template.ts";
import { mapDir, OK_SCHEMA } from "./helpers.ts";

describe("task lists", () => {
  it("parses quoted CSV cells with commas, quotes and line breaks, and keeps each record's first line", () => {
    const records = parseCsv('a,b\r\n"x, y","say ""hi"""\n"two\nlines",z\n\n', "t.csv");
    expect(records).toEqual([
      { line: 1, cells: ["a", "b"] },
      { line: 2, cells: ["x, y", 'say "hi"'] },
      { line: 3, cells: ["two\nlines", "z"] },
    ]);
    expect(parseCsv(`${csvLine(["x, y", 'say "hi"', "plain"])}\n`, "t")[0]!.cells).toEqual([
      "x, y",
      'say "hi"',
      "plain",
    ]);
  });

  it("rejects a duplicate id and an unclosed quote with the line", () => {
    const t = mapDir();
    expect(() => loadTasks(t.write("d.csv", "k\nx\ny\nx\n"), { idField: "k" })).toThrow(
      /lines 2 and 4 have the same id "x"/,
    );
    expect(() => loadTasks(t.write("q.csv", 'k\n"open\n'))).toThrow(/line 2: a quoted cell is never closed/);
    expect(() => loadTasks(t.write("j.jsonl", '{"a":1}\n[1]\n'))).toThrow(/line 2: expected a JSON object/);
    expect(() => loadTasks(t.write("x.txt", ""))).toThrow(/expected a \.csv file .* or a \.jsonl file/);
  });

  it("fills fields, keeps {{ }} literal and writes non-strings as JSON", () => {
    const item = { id: "1", line: 1, fields: { path: "a.ts", tags: ["x"] } };
    expect(templateFields("{path} {{not}} {tags} {path}")).toEqual(["path", "tags"]);
    expect(renderPrompt('{path}: {{"k": 1}} {tags}', item)).toBe('a.ts: {"k": 1} ["x"]');
  });
});

describe("answers and results", () => {
  it("reads JSON from a fenced block or surrounding prose, and names what does not match", () => {
    const s = outputSchema(OK_SCHEMA);
    expect(s.check('Here:\n```json\n{"id":"a","ok":true}\n```')).toEqual({
      ok: true,
      value: { id: "a", ok: true },
    });
    expect(s.check('Result {"id":"a","ok":true} done')).toMatchObject({ ok: true });
    const bad = s.check('{"id":"a","ok":"yes"}');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.reason).toMatch(/ok: .*expected boolean/);
  });

  it("a results file reopened after a crash drops the cut-off line and knows which items are done", () => {
    const t = mapDir();
    const file = join(t.dir, "r.jsonl");
    const row = { line: 1, attempts: 1, agentId: "agent-1", usage: ZERO_USAGE };
    const first = new ResultsFile(file);
    first.append({ id: "a", status: "ok", answer: "x", ...row });
    first.append({ id: "a", status: "ok", answer: "again", ...row }); // a second answer for an item is not written
    first.append({ id: "b", status: "failed", error: "boom", ...row });
    appendFileSync(file, '{"id":"c","sta');
    const reopened = new ResultsFile(file);
    expect([...reopened.done]).toEqual([
      ["a", "ok"],
      ["b", "failed"],
    ]);
    expect(readFileSync(file, "utf8").split("\n").filter(Boolean)).toHaveLength(2);
  });

  it("refuses a CSV results file whose columns belong to another map", () => {
    const t = mapDir();
    const file = join(t.dir, "r.csv");
    writeFileSync(file, "id,status,line,attempts,error,answer\n");
    expect(() => new ResultsFile(file, OK_SCHEMA)).toThrow(/its columns .* are not this map's/);
  });
});

describe("progress", () => {
  it("draws done, failed, running and the ETA from this session's pace", () => {
    const p = { total: 10, done: 4, failed: 1, running: 2, skipped: 2, startedAt: 0 };
    // two items finished here in 10 s → 6 left take 30 s
    expect(progressLine(p, 10_000, 10)).toBe("[####......] 4/10 done · 1 failed · 2 running · ETA 30.0s");
    expect(progressLine({ ...p, done: 2 }, 10_000, 10)).toContain("ETA –");
  });

  it("redraws one line on a terminal", () => {
    const written: string[] = [];
    const stream = { isTTY: true, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream;
    const view = progressView(stream);
    view.stop({ total: 2, done: 2, failed: 0, running: 0, skipped: 0, startedAt: Date.now() });
    const text = written.join("");
    expect(text.startsWith("\r\u001b[2K[####")).toBe(true);
    expect(text).toContain("] 2/2 done · 0 failed · 0 running");
  });
});
