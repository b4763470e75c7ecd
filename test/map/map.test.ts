import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ownerId } from "../../src/core/process/owner.ts";
import { taggedProcesses } from "../../src/core/process/procfs.ts";
import { isBatonError } from "../../src/errors.ts";
import { mapTasks } from "../../src/map/map.ts";
import { recordedMapOptions } from "../../src/map/resume.ts";
import { readJournal } from "../../src/store/journal.ts";
import { fakeBackend } from "../helpers/fake-backend.ts";
import { agentRuns, jsonLines, mapAgent, mapDir, OK_SCHEMA } from "./helpers.ts";

describe("mapTasks", () => {
  it("writes one schema-checked line per item, repairs an invalid answer once, retries a crash, records failures", async () => {
    const t = mapDir();
    const tasks = t.write(
      "tasks.csv",
      "name,mode\nalpha,plain\nbeta,prose\ngamma,stubborn\ndelta,crash-once:delta\nepsilon,crash\n",
    );
    const out = join(t.dir, "out.jsonl");
    const view = await mapTasks({
      tasks,
      idField: "name",
      prompt: "answer:{name} {mode}",
      outputSchema: OK_SCHEMA,
      out,
      concurrency: 3,
      retries: 1,
      backends: mapAgent(t.state),
      home: t.home,
    });
    expect(view.exitCode).toBe(3);
    expect(view.status).toBe("partial");
    const rows = jsonLines(out);
    expect(rows.map((r) => r.id).sort()).toEqual(["alpha", "beta", "delta", "epsilon", "gamma"]);
    const by = Object.fromEntries(rows.map((r) => [r.id, r]));
    expect(by.alpha).toMatchObject({ status: "ok", result: { id: "alpha", ok: true }, attempts: 1, line: 2 });
    // prose → one repair turn through send_input on the same agent → valid
    expect(by.beta).toMatchObject({ status: "ok", result: { id: "beta", ok: true }, attempts: 1 });
    expect(by.gamma).toMatchObject({ status: "failed", endReason: "invalid" });
    expect(String(by.gamma!.error)).toMatch(/not JSON.*after one repair turn/);
    expect(by.delta).toMatchObject({ status: "ok", attempts: 2 });
    expect(by.epsilon).toMatchObject({ status: "failed", endReason: "failed", attempts: 2 });
    expect(String(by.epsilon!.error)).toMatch(/exit/);
    // alpha 1, beta 2 (repair), gamma 2 (repair), delta 2 (retry), epsilon 2 (retry)
    expect(agentRuns(t.state)).toHaveLength(9);

    const journal = readJournal(join(view.dir, "journal.jsonl")).entries;
    const betaAgent = String(by.beta!.agentId);
    expect(journal.filter((e) => e.type === "agent.input" && e.agentId === betaAgent)).toHaveLength(1);
    expect(journal.filter((e) => e.type === "turn.ended" && e.agentId === betaAgent)).toHaveLength(2);
    expect(journal.at(-1)).toMatchObject({ type: "run.ended", status: "partial", exitCode: 3 });
    expect(journal[0]).toMatchObject({ type: "run.started", pattern: "map" });
    const run = JSON.parse(readFileSync(join(view.dir, "run.json"), "utf8"));
    expect(run.map).toMatchObject({ total: 5, done: 5, failed: 2, notDone: 0 });
    expect(readFileSync(join(view.dir, "report.md"), "utf8")).toContain("Items: 5, done: 5, failed: 2");
  });

  it("refuses a task list whose item lacks a field the prompt names, before anything runs", async () => {
    const t = mapDir();
    const tasks = t.write("tasks.jsonl", '{"path":"a.ts"}\n\n{"file":"b.ts"}\n');
    const error = await mapTasks({
      tasks,
      prompt: "Migrate {path}",
      backends: mapAgent(t.state),
      home: t.home,
    }).catch((e: unknown) => e);
    expect(isBatonError(error, "E_USAGE")).toBe(true);
    expect((error as Error).message).toMatch(/item 3 \(line 3\) has no field "path".*its fields: file/);
    expect(existsSync(t.home)).toBe(false);
    expect(agentRuns(t.state)).toHaveLength(0);
  });

  it("writes CSV results with one column per schema property", async () => {
    const t = mapDir();
    const tasks = t.write("tasks.jsonl", '{"n":"x, y"}\n{"n":"z"}\n');
    const out = join(t.dir, "out.csv");
    const view = await mapTasks({
      tasks,
      prompt: "answer:{n}",
      outputSchema: OK_SCHEMA,
      out,
      backends: mapAgent(t.state),
      home: t.home,
    });
    expect(view.exitCode).toBe(0);
    const lines = readFileSync(out, "utf8").trim().split("\n");
    expect(lines[0]).toBe("id,status,line,attempts,error,ok");
    expect(lines.slice(1).sort()).toEqual(["1,ok,1,1,,true", "2,ok,2,1,,true"]);
  });

  it("stops at the token budget, keeps what finished, and a resume runs only the items not done", async () => {
    const t = mapDir();
    const items = Array.from({ length: 6 }, (_, i) => ({ key: `k${i}` }));
    const options = {
      tasks: items,
      idField: "key",
      prompt: "noop {key}",
      concurrency: 1,
      maxTokens: 50, // the fake worker reports 20 tokens a turn: the third turn crosses it
      backends: fakeBackend(),
      home: t.home,
    };
    const first = await mapTasks(options);
    expect(first.exitCode).toBe(3);
    expect(first.error).toMatchObject({
      code: "E_BUDGET",
      message: expect.stringMatching(/token budget of 50 was used up: 3 items not done/),
    });
    const out = join(first.dir, "results.jsonl");
    expect(jsonLines(out).map((r) => r.id)).toEqual(["k0", "k1", "k2"]);
    // What `baton map --resume` reads back: the data options, through the same schema, the items as a file.
    expect(recordedMapOptions(first.runId, t.home)).toEqual({
      tasks: join(first.dir, "tasks.jsonl"),
      idField: "key",
      prompt: "noop {key}",
      concurrency: 1,
      maxTokens: 50,
      out,
    });

    const resumed = await mapTasks({ ...options, maxTokens: undefined, resumeRunId: first.runId });
    expect(resumed.exitCode).toBe(0);
    expect(resumed.map).toMatchObject({ total: 6, done: 6, skipped: 3, failed: 0 });
    const rows = jsonLines(out);
    expect(rows.map((r) => r.id)).toEqual(["k0", "k1", "k2", "k3", "k4", "k5"]);
    const agents = rows.map((r) => r.agentId);
    expect(new Set(agents).size).toBe(6); // a resumed map never reuses an agent id of its record
    const journal = readJournal(join(first.dir, "journal.jsonl")).entries;
    expect(journal.filter((e) => e.type === "run.resumed")).toHaveLength(1);
  });

  it("a cancel stops every agent and leaves the unfinished items for a resume", async () => {
    const t = mapDir();
    const controller = new AbortController();
    const items = Array.from({ length: 5 }, (_, i) => ({ key: `k${i}`, mode: i < 2 ? "" : "hang" }));
    const started = Date.now();
    const view = await mapTasks(
      {
        tasks: items,
        idField: "key",
        prompt: "answer:{key} {mode}",
        concurrency: 5,
        backends: mapAgent(t.state),
        home: t.home,
        signal: controller.signal,
      },
      {
        onItem: (_row, p) => {
          if (p.done === 2) controller.abort();
        },
      },
    );
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(view.exitCode).toBe(130);
    expect(view.map).toMatchObject({ done: 2, notDone: 3 });
    expect(view.agents.every((a) => a.status === "shutdown")).toBe(true);
    expect(taggedProcesses((tag) => tag.startsWith(`${ownerId()}:`))).toEqual([]);
  });
});
