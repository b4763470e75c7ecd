import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { taggedProcesses } from "../../src/core/process/procfs.ts";
import { eventually } from "../helpers/processes.ts";
import { agentRuns, MAP_AGENT, mapDir } from "../map/helpers.ts";

const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

function baton(dir: string, state: string, args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    cwd: dir,
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, BATON_HOME: join(dir, ".baton"), MAP_AGENT_STATE: state },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const agent = ["--backend", "command", "--command", `${process.execPath} ${MAP_AGENT} {prompt}`];

describe("baton map", () => {
  it("exits 2 naming the item and the field the prompt needs, before any agent runs", () => {
    const t = mapDir();
    t.write("tasks.csv", "path,owner\nsrc/a.ts,ann\nsrc/b.ts\n");
    const r = baton(t.dir, t.state, [
      "map",
      "--tasks",
      "tasks.csv",
      "--id",
      "path",
      "--prompt",
      "Ask {owner} about {path}",
      ...agent,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/item src\/b\.ts \(line 3\) has no field "owner"/);
    expect(existsSync(join(t.dir, ".baton"))).toBe(false);
    expect(agentRuns(t.state)).toHaveLength(0);
  });

  it("--dry-run prints the first three prompts and runs nothing", () => {
    const t = mapDir();
    t.write("tasks.jsonl", ["a", "b", "c", "d"].map((n) => JSON.stringify({ n })).join("\n"));
    const r = baton(t.dir, t.state, [
      "map",
      "--tasks",
      "tasks.jsonl",
      "--prompt",
      "Do {n} {{literally}}",
      "--dry-run",
      ...agent,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("4 items");
    expect(r.stdout).toContain("Do c {literally}");
    expect(r.stdout).not.toContain("Do d");
    expect(agentRuns(t.state)).toHaveLength(0);
  });

  it("prints one plain line per item off a terminal and exits 3 when some failed", () => {
    const t = mapDir();
    t.write("tasks.csv", "n,mode\n1,\n2,crash\n3,\n");
    const r = baton(t.dir, t.state, [
      "map",
      "--tasks",
      "tasks.csv",
      "--prompt",
      "answer:{n} {mode}",
      "--retries",
      "0",
      "--out",
      "out.csv",
      ...agent,
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/\[map\] \d\/3 item 3: failed — /);
    expect(r.stderr.match(/^\[map\] \d\/3 item/gm)).toHaveLength(3);
    expect(r.stdout).toMatch(/PARTIAL — map .*: 3\/3 done, 1 failed, 0 not done/);
    expect(readFileSync(join(t.dir, "out.csv"), "utf8").trim().split("\n")).toHaveLength(4);
  });

  it("a killed map continues with baton resume: finished items are not run again", async () => {
    const t = mapDir();
    t.write("tasks.csv", `n,mode\n1,\n2,\n3,hang\n4,hang\n`);
    const child = spawn(
      process.execPath,
      [MAIN, "map", "--tasks", "tasks.csv", "--prompt", "answer:{n} {mode}", "--out", "out.jsonl", ...agent],
      {
        cwd: t.dir,
        env: { ...process.env, BATON_HOME: join(t.dir, ".baton"), MAP_AGENT_STATE: t.state },
        stdio: "ignore",
      },
    );
    const out = join(t.dir, "out.jsonl");
    const lines = () => (existsSync(out) ? readFileSync(out, "utf8").split("\n").filter(Boolean) : []);
    expect(await eventually(() => lines().length === 2 && agentRuns(t.state).length === 4, 20_000)).toBe(
      true,
    );
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    const runId = readdirSync(join(t.dir, ".baton", "runs"))[0]!;
    // The killed map's hanging agents are reaped by its sidecar.
    expect(
      await eventually(() => taggedProcesses((tag) => tag.startsWith(`${child.pid}.`)).length === 0, 5_000),
    ).toBe(true);

    t.write("tasks.csv", `n,mode\n1,\n2,\n3,\n4,\n`); // the hanging items would answer now
    // `baton resume` of a map is `baton map --resume`; the backend and its command come from the record.
    const r = baton(t.dir, t.state, ["resume", runId]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/COMPLETED — map .*: 4\/4 done/);
    expect(
      lines()
        .map((l) => JSON.parse(l).id)
        .sort(),
    ).toEqual(["2", "3", "4", "5"]);
    expect(agentRuns(t.state).filter((l) => / answer:[12] /.test(l))).toHaveLength(2); // n=1 and n=2 (ids 2, 3) ran once
  });
});
