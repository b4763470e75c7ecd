import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { codexBackend } from "../src/backends/codex/backend.ts";
import { Pool } from "../src/core/pool.ts";
import { parseQueueUrl } from "../src/fleet/connection.ts";
import { Fleet } from "../src/fleet/fleet.ts";
import { remoteBackend } from "../src/fleet/remote-backend.ts";
import { mapTasks } from "../src/map/map.ts";
import { startRedis, startWorker, type TestRedis, type TestWorker } from "../test/fleet/helpers.ts";
import type { Benchmark, BenchOptions, BenchReport, Target } from "./lib/report.ts";
import { fmt, median } from "./lib/stats.ts";
import { NOOP_CODEX } from "./lib/workers.ts";

const MODEL_SCRIPT = fileURLToPath(new URL("./lib/fleet-model.yaml", import.meta.url));
/** Turns at once on each worker; the submitter allows this many per worker. */
const PER_WORKER = 4;
const DISPATCH_CONCURRENCY = 16;

interface MapSample {
  backend: string;
  workers: number;
  items: number;
  wallMs: number;
  ok: number;
}

async function withFleet<T>(redis: TestRedis, run: (fleet: Fleet) => Promise<T>): Promise<T> {
  const fleet = await Fleet.connect({ connection: parseQueueUrl(redis.url), lockDurationMs: 1_500 });
  try {
    return await run(fleet);
  } finally {
    await fleet.close();
  }
}

/** `n` short items mapped over `count` fresh workers; the wall clock runs from the first spawn to the last line. */
async function mapOnce(
  redis: TestRedis,
  name: "command" | "codex",
  count: number,
  n: number,
  dir: string,
): Promise<MapSample> {
  const backend =
    name === "codex" ? ["--backend", "codex", "--rehearse", "--script", MODEL_SCRIPT] : undefined;
  const workers: TestWorker[] = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      startWorker(redis.url, `${name}${count}-${i}`, dir, ["--concurrency", String(PER_WORKER)], backend),
    ),
  );
  try {
    const items = Array.from({ length: n }, (_, i) => ({ n: String(i) }));
    return await withFleet(redis, async (fleet) => {
      const t0 = performance.now();
      const view = await mapTasks({
        tasks: items,
        // The fixture agent answers after 100 ms; codex's answer comes from the scripted model at once.
        prompt: name === "codex" ? "Say ok for item {n}" : "answer:{n} sleep:100",
        concurrency: PER_WORKER * count,
        backends: remoteBackend(name),
        turns: fleet.turns,
        cwd: dir,
        home: join(dir, ".baton"),
      });
      const wallMs = performance.now() - t0;
      return { backend: name, workers: count, items: n, wallMs, ok: view.map.done - view.map.failed };
    });
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
}

/** The same N no-op codex turns (bench/lib/noop-codex.sh) through a local pool and through the fleet. */
async function dispatchOnce(
  redis: TestRedis,
  n: number,
  dir: string,
): Promise<{ localMs: number; fleetMs: number }> {
  const run = async (pool: Pool) => {
    const t0 = performance.now();
    const ids = Array.from({ length: n }, (_, i) => pool.spawn({ message: `no-op ${i}` }));
    await pool.wait(ids);
    await Promise.all(ids.map((id) => pool.close(id)));
    const ms = performance.now() - t0;
    await pool.shutdown();
    return ms;
  };
  const local = new Pool({
    backends: codexBackend({ codexPath: NOOP_CODEX }),
    concurrency: DISPATCH_CONCURRENCY,
    cwd: dir,
  });
  const localMs = await run(local);
  const worker = await startWorker(
    redis.url,
    "dispatch",
    dir,
    ["--concurrency", String(DISPATCH_CONCURRENCY)],
    ["--backend", "codex"],
    {
      BATON_CODEX_BIN: NOOP_CODEX,
    },
  );
  try {
    const fleetMs = await withFleet(redis, (fleet) =>
      run(
        new Pool({
          backends: remoteBackend("codex"),
          concurrency: DISPATCH_CONCURRENCY,
          cwd: dir,
          turns: fleet.turns,
        }),
      ),
    );
    return { localMs, fleetMs };
  } finally {
    await worker.stop();
  }
}

async function run(o: BenchOptions): Promise<BenchReport> {
  const n = o.quick ? 50 : 200;
  const repetitions = o.quick ? 1 : 3;
  const dir = mkdtempSync(join(tmpdir(), "baton-bench-fleet-"));
  const redis = await startRedis();
  try {
    const maps: MapSample[] = [];
    for (const name of ["command", "codex"] as const)
      for (const count of [1, 3]) {
        o.log(`map: ${n} items, backend ${name}, ${count} worker(s)`);
        maps.push(await mapOnce(redis, name, count, n, dir));
      }
    const dispatch: Array<{ localMs: number; fleetMs: number }> = [];
    for (let i = 0; i < repetitions; i++) {
      o.log(`dispatch: ${n} no-op turns, local then fleet (${i + 1}/${repetitions})`);
      dispatch.push(await dispatchOnce(redis, n, dir));
    }
    const localPerItem = median(dispatch.map((d) => d.localMs / n));
    const fleetPerItem = median(dispatch.map((d) => d.fleetMs / n));
    const wall = (name: string, count: number) =>
      maps.find((m) => m.backend === name && m.workers === count)!;
    const targets: Target[] = ["command", "codex"].map((name) => ({
      what: `Fleet: map of ${n} short items, ${name === "codex" ? "scripted codex" : "command backend"} — 3 workers vs 1`,
      value: `${fmt(wall(name, 3).wallMs / 1000, "s")} (${fmt(wall(name, 1).wallMs / wall(name, 3).wallMs)}× faster)`,
      baseline: `1 worker: ${fmt(wall(name, 1).wallMs / 1000, "s")}`,
    }));
    targets.push({
      what: `Fleet: dispatch cost per turn through Redis, ${n} no-op codex turns, concurrency ${DISPATCH_CONCURRENCY}`,
      value: `${fmt(fleetPerItem, "ms")} per turn (+${fmt(fleetPerItem - localPerItem, "ms")})`,
      baseline: `local pool: ${fmt(localPerItem, "ms")} per turn`,
    });
    return {
      config: {
        items: n,
        perWorkerConcurrency: PER_WORKER,
        dispatchConcurrency: DISPATCH_CONCURRENCY,
        repetitions,
      },
      baseline:
        "The same map on one worker; for dispatch, the same no-op turns through a local Pool. All workers are " +
        "`baton worker` processes on this machine (each in its own directory), so 3 workers share its CPUs.",
      tables: [
        {
          title: "Map over the fleet (wall from first spawn to last result line)",
          headers: ["backend", "workers", "items", "wall", "items/s", "ok"],
          rows: maps.map((m) => [
            m.backend,
            String(m.workers),
            String(m.items),
            fmt(m.wallMs / 1000, "s"),
            fmt((m.items / m.wallMs) * 1000),
            String(m.ok),
          ]),
        },
        {
          title: "Dispatch: local pool vs Redis (per turn = wall / N)",
          headers: ["run", "local wall", "fleet wall", "local per turn", "fleet per turn"],
          rows: dispatch.map((d, i) => [
            String(i + 1),
            fmt(d.localMs, "ms"),
            fmt(d.fleetMs, "ms"),
            fmt(d.localMs / n, "ms"),
            fmt(d.fleetMs / n, "ms"),
          ]),
        },
      ],
      targets,
      notes: [
        "Redis is Debian's redis-server on 127.0.0.1 (no persistence); a network hop between machines adds its round trips.",
      ],
      data: { maps, dispatch },
    };
  } finally {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const fleet: Benchmark = {
  name: "fleet",
  title: "Fleet: map over Redis workers, and dispatch through Redis",
  run,
};
