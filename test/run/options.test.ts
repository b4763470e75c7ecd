import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { commandBackend } from "../../src/backends/command/backend.ts";
import { checkRunOptions, type RunOptions, startedRunOptions } from "../../src/run/options.ts";
import { runTask } from "../../src/run/run.ts";
import { readJournal } from "../../src/store/journal.ts";
import { shellQuote, TOY_AGENT } from "../backends/harnesses.ts";

const home = mkdtempSync(join(tmpdir(), "baton-options-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));
const command = `${shellQuote(process.execPath)} ${shellQuote(TOY_AGENT)}`;

describe("RunOptions: one data schema for validation, the journal and resume", () => {
  it("the data options round-trip through run.started unchanged; functions and handles stay out", async () => {
    const data = {
      task: "Review x",
      pattern: "review",
      lenses: ["correctness", "risks"],
      concurrency: 2,
      timeoutMs: 30_000,
      stallTimeoutMs: 20_000,
      maxTokens: 1_000_000,
      runTimeoutMs: 60_000,
      context: { goal: "find bugs", constraints: "no network" },
      answers: { "which file": "a.ts" },
      web: false,
      queue: "redis://127.0.0.1:6379",
      launch: { backend: "command", command },
      cwd: home,
    } satisfies Omit<RunOptions, "backends">;
    const controller = new AbortController();
    const view = await runTask({
      ...data,
      home,
      backends: commandBackend({ command }),
      backendFor: () => undefined,
      ask: async () => "yes",
      signal: controller.signal,
    });
    expect(view.status).toBe("completed");
    const started = readJournal(join(view.dir, "journal.jsonl")).entries.find(
      (e) => e.type === "run.started",
    );
    if (started?.type !== "run.started") throw new Error("no run.started line");
    for (const live of ["backends", "backendFor", "ask", "signal", "home", "task", "cwd", "pattern"])
      expect(started.options, live).not.toHaveProperty(live);
    expect(startedRunOptions(started)).toEqual(data);
  });

  it("a run.started whose options do not match the schema is a damaged record, named", () => {
    const line = { runId: "r1", task: "t", pattern: "review", cwd: "/", options: { workers: "3" } };
    expect(() => startedRunOptions(line)).toThrow(
      /run r1: its journal's run.started line does not read \(workers: /,
    );
    expect(() => startedRunOptions({ ...line, pattern: "mcp", options: {} })).toThrow(/pattern: /);
  });

  it("checks a library caller's option types with the same schema", () => {
    const o = { task: "Review x", backends: commandBackend({ command }) };
    expect(() => checkRunOptions({ ...o, lenses: "a,b" } as unknown as RunOptions)).toThrow(
      /invalid run options: `lenses`: /,
    );
    expect(() => checkRunOptions({ ...o, timeoutMs: "5s" } as unknown as RunOptions)).toThrow(
      /`timeoutMs`: /,
    );
    expect(() => checkRunOptions({ ...o, lenses: ["a", "b"], timeoutMs: 5_000 })).not.toThrow();
  });
});
