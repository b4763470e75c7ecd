import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Queue } from "bullmq";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { taggedProcesses } from "../../src/core/process/procfs.ts";
import { parseQueueUrl } from "../../src/fleet/connection.ts";
import { Fleet } from "../../src/fleet/fleet.ts";
import { ALIVE_TTL_MS, HEARTBEAT_MS, PREFIX, turnsQueue } from "../../src/fleet/protocol.ts";
import { remoteBackend } from "../../src/fleet/remote-backend.ts";
import { mapTasks } from "../../src/map/map.ts";
import { readJournal } from "../../src/store/journal.ts";
import { eventually } from "../helpers/processes.ts";
import { agentRuns, jsonLines, mapDir, OK_SCHEMA } from "../map/helpers.ts";
import { startRedis, startWorker, type TestRedis, type TestWorker } from "./helpers.ts";

// A real redis-server and three `baton worker` processes, each in its own working directory, stand
// in for a fleet of machines; the test process is the submitter.
const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
let redis: TestRedis;
let workers: TestWorker[] = [];
let t: ReturnType<typeof mapDir>;

const ofWorker = (w: TestWorker) => taggedProcesses((tag) => tag.startsWith(`${w.pid}.`));

beforeAll(async () => {
  redis = await startRedis();
  t = mapDir();
  workers = await Promise.all(
    ["w1", "w2", "w3"].map((name) => startWorker(redis.url, name, t.state, ["--concurrency", "2"])),
  );
}, 60_000);

// A test that stopped or killed a worker leaves it dead: the next one starts with three live workers.
beforeEach(async () => {
  for (const [i, w] of workers.entries())
    if (w.child.exitCode !== null || w.child.signalCode !== null)
      workers[i] = await startWorker(redis.url, `${w.name}b`, t.state, ["--concurrency", "2"]);
}, 60_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  for (const w of workers) expect(ofWorker(w)).toEqual([]);
  await redis?.stop();
});

async function withFleet<T>(run: (fleet: Fleet) => Promise<T>): Promise<T> {
  const fleet = await Fleet.connect({ connection: parseQueueUrl(redis.url), lockDurationMs: 1_500 });
  try {
    return await run(fleet);
  } finally {
    await fleet.close();
  }
}

describe("a map on the fleet", () => {
  it("survives a SIGKILLed worker: every item done once, its turns re-run elsewhere, no orphans", async () => {
    const items = Array.from({ length: 12 }, (_, i) => ({ key: `k${i}`, mode: i === 1 ? "prose" : "" }));
    let killed: TestWorker | undefined;
    const view = await withFleet((fleet) =>
      mapTasks(
        {
          tasks: items,
          idField: "key",
          prompt: "answer:{key} sleep:1500 {mode}",
          outputSchema: OK_SCHEMA,
          concurrency: 6,
          backends: remoteBackend("command"),
          turns: fleet.turns,
          cwd: t.dir,
          home: t.home,
        },
        {
          onProgress: (p) => {
            // Mid-map, while it runs turns: w1 dies with them in flight.
            if (p.done >= 2 && !killed && ofWorker(workers[0]!).length > 0) {
              killed = workers[0]!;
              killed.child.kill("SIGKILL");
            }
          },
        },
      ),
    );
    expect(killed).toBeDefined();
    expect(view.exitCode).toBe(0);
    const rows = jsonLines(view.map.out);
    expect(rows).toHaveLength(12);
    expect(new Set(rows.map((r) => r.id)).size).toBe(12);
    expect(rows.every((r) => r.status === "ok")).toBe(true);
    // The turns w1 held ran again on w2 / w3. The only turn that may fail is a repair turn of a
    // conversation w1 held (its item then starts afresh with a new agent).
    const eventsOf = (id: string) => {
      const file = join(view.dir, "agents", id, "events.jsonl");
      return existsSync(file) ? readFileSync(file, "utf8") : "";
    };
    const rerun = view.agents.filter((a) =>
      eventsOf(a.id).includes("worker w1 stopped answering; the turn runs again on worker"),
    );
    expect(rerun.length).toBeGreaterThan(0);
    const events = readJournal(join(view.dir, "journal.jsonl")).entries;
    const failed = events.filter((e) => e.type === "turn.ended" && e.endReason !== "completed");
    for (const e of failed)
      expect(e).toMatchObject({ turn: 2, error: expect.stringMatching(/worker w1, which holds/) });
    // The killed worker's agent processes were reaped by its sidecar.
    expect(await eventually(() => ofWorker(killed!).length === 0, 5_000)).toBe(true);
  }, 90_000);

  it("a worker stopped with SIGTERM hands its running turns back to the fleet", async () => {
    const items = Array.from({ length: 12 }, (_, i) => ({ key: `t${i}` }));
    let stopping: Promise<void> | undefined;
    const view = await withFleet((fleet) =>
      mapTasks(
        {
          tasks: items,
          idField: "key",
          prompt: "answer:{key} sleep:600",
          concurrency: 6,
          backends: remoteBackend("command"),
          turns: fleet.turns,
          cwd: t.dir,
          home: t.home,
        },
        {
          onProgress: (p) => {
            if (!stopping && p.done >= 1 && ofWorker(workers[1]!).length > 0)
              stopping = workers[1]!.stop("SIGTERM");
          },
        },
      ),
    );
    const asked = Date.now();
    expect(stopping, "w2 never ran a turn of this map").toBeDefined();
    await stopping;
    const w2 = workers[1]!.child;
    expect({ code: w2.exitCode, signal: w2.signalCode, ms: Date.now() - asked < 10_000 }).toEqual({
      code: 0,
      signal: null,
      ms: true,
    });
    expect(ofWorker(workers[1]!)).toEqual([]);
    expect(view.exitCode).toBe(0);
    const rows = jsonLines(view.map.out);
    expect(new Set(rows.map((r) => r.id)).size).toBe(12);
    expect(rows).toHaveLength(12);
  }, 60_000);

  it("a repair turn (send_input) goes to the worker that holds the conversation", async () => {
    const items = Array.from({ length: 6 }, (_, i) => ({ key: `p${i}` }));
    const view = await withFleet((fleet) =>
      mapTasks({
        tasks: items,
        idField: "key",
        prompt: "answer:{key} prose",
        outputSchema: OK_SCHEMA,
        concurrency: 6,
        backends: remoteBackend("command"),
        turns: fleet.turns,
        cwd: t.dir,
        home: t.home,
      }),
    );
    expect(view.exitCode).toBe(0);
    const used = new Set<string>();
    for (const row of jsonLines(view.map.out)) {
      const events = readFileSync(join(view.dir, "agents", String(row.agentId), "events.jsonl"), "utf8");
      const holders = [...events.matchAll(/"fleet":"started","worker":"([^"]+)"/g)].map((m) => m[1]!);
      expect(holders).toHaveLength(2); // the first turn and its repair turn
      expect(holders[1]).toBe(holders[0]);
      used.add(holders[0]!);
    }
    expect(used.size).toBeGreaterThan(1);
  }, 60_000);

  it("a cancel from the submitter stops the turns on every worker and empties the queue", async () => {
    const items = Array.from({ length: 12 }, (_, i) => ({ key: `h${i}` }));
    const controller = new AbortController();
    const before = agentRuns(t.state).length;
    const started = Date.now();
    const view = await withFleet((fleet) => {
      const mapped = mapTasks({
        tasks: items,
        idField: "key",
        prompt: "answer:{key} hang",
        concurrency: 6,
        backends: remoteBackend("command"),
        turns: fleet.turns,
        cwd: t.dir,
        home: t.home,
        signal: controller.signal,
      });
      void eventually(() => agentRuns(t.state).length - before === 6, 30_000).then(() => controller.abort());
      return mapped;
    });
    expect(view.exitCode).toBe(130);
    expect(Date.now() - started).toBeLessThan(40_000);
    expect(view.map.done).toBe(0);
    for (const w of workers) expect(await eventually(() => ofWorker(w).length === 0, 5_000)).toBe(true);
    expect(agentRuns(t.state).length - before).toBe(6); // nothing started after the cancel
    const queue = new Queue(turnsQueue("command"), {
      connection: parseQueueUrl(redis.url).options as never,
      prefix: PREFIX,
    });
    const counts = await queue.getJobCounts("wait", "active", "delayed", "prioritized");
    await queue.close();
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(0);
  }, 90_000);

  it("baton map --queue: when the submitter is SIGKILLed, the workers stop its turns (no orphans on any machine)", async () => {
    t.write("hang.csv", "n\n1\n2\n3\n4\n");
    const child = spawn(
      process.execPath,
      [
        MAIN,
        "map",
        "--tasks",
        "hang.csv",
        "--prompt",
        "answer:{n} hang",
        "--queue",
        redis.url,
        "--backend",
        "command",
        "--concurrency",
        "4",
      ],
      { cwd: t.dir, env: { ...process.env, BATON_HOME: t.home }, stdio: "ignore" },
    );
    const running = () => workers.reduce((n, w) => n + ofWorker(w).length, 0);
    expect(await eventually(() => running() === 4, 30_000)).toBe(true);
    child.kill("SIGKILL");
    const killedAt = Date.now();
    expect(await eventually(() => running() === 0, 15_000)).toBe(true);
    // The submitter's heartbeat expires after ALIVE_TTL_MS; each worker checks every HEARTBEAT_MS.
    expect(Date.now() - killedAt).toBeLessThan(ALIVE_TTL_MS + 3 * HEARTBEAT_MS + 2_000);
  }, 60_000);

  it("baton run --queue: a pattern's workers run on the fleet and the record stays with the submitter", async () => {
    const r = spawnSync(
      process.execPath,
      [
        MAIN,
        "run",
        "Review the fixture",
        "--pattern",
        "review",
        "--lenses",
        "a,b",
        "--backend",
        "command",
        "--queue",
        redis.url,
        "--json",
      ],
      { cwd: t.dir, env: { ...process.env, BATON_HOME: t.home }, encoding: "utf8", timeout: 60_000 },
    );
    expect(r.status).toBe(0);
    const view = JSON.parse(r.stdout) as {
      status: string;
      dir: string;
      agents: Array<{ id: string; endReason: string }>;
    };
    expect(view.status).toBe("completed");
    expect(view.agents.length).toBeGreaterThanOrEqual(2);
    const names = new Set(workers.map((w) => w.name));
    for (const agent of view.agents) {
      const events = readFileSync(join(view.dir, "agents", agent.id, "events.jsonl"), "utf8");
      const started = /"fleet":"started","worker":"([^"]+)"/.exec(events);
      expect(started && names.has(started[1]!)).toBe(true);
    }
  }, 60_000);
});
