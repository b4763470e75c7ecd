import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { jsonLines, mapAgent, mapDir, OK_SCHEMA } from "../map/helpers.ts";
import { type Connected, connect } from "./helpers.ts";

let s: Connected | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

describe("map_tasks", () => {
  it("maps a task list given inline and reports where the results are", async () => {
    const t = mapDir();
    s = await connect({ backend: mapAgent(t.state), cwd: t.dir });
    const result = await s.call("map_tasks", {
      tasks: [
        { name: "a", mode: "" },
        { name: "b", mode: "prose" },
        { name: "c", mode: "stubborn" },
      ],
      prompt: "answer:{name} {mode}",
      id_field: "name",
      output_schema: OK_SCHEMA,
      out: "results.jsonl",
    });
    expect(result.isError).toBeFalsy();
    expect(result.structured).toMatchObject({
      status: "partial",
      timed_out: false,
      total: 3,
      done: 3,
      failed: 1,
    });
    const rows = jsonLines(join(t.dir, "results.jsonl"));
    expect(rows.map((r) => `${r.id}:${r.status}`).sort()).toEqual(["a:ok", "b:ok", "c:failed"]);
  });

  it("returns at wait_ms with timed_out and continues waiting by run_id", async () => {
    const t = mapDir();
    s = await connect({ backend: mapAgent(t.state), cwd: t.dir });
    const first = await s.call("map_tasks", {
      tasks: [{ n: "1" }, { n: "2" }],
      prompt: "answer:{n} sleep:400",
      wait_ms: 0,
    });
    expect(first.structured).toMatchObject({ status: "running", timed_out: true, done: 0, total: 2 });
    const second = await s.call("map_tasks", { run_id: first.structured!.run_id, wait_ms: 10_000 });
    expect(second.structured).toMatchObject({ status: "completed", timed_out: false, done: 2 });
  });

  it("names the item and the field a prompt needs but an item lacks", async () => {
    const t = mapDir();
    s = await connect({ backend: mapAgent(t.state), cwd: t.dir });
    const result = await s.call("map_tasks", { tasks: [{ a: "1" }], prompt: "do {b}" });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/item 1 \(line 1\) has no field "b"/);
  });
});
