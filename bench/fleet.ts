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
import { startRedis, startWorker, type TestRedis } from "../test/fleet/helpers.ts";
import type { Benchmark, BenchOptions, BenchReport, Target } from "./lib/report.ts";
import { fmt, summarize } from "./lib/stats.ts";
import { NOOP_CODEX } from "./lib/workers.ts";

const MODEL_SCRIPT = fileURLToPath(new URL("./lib/fleet-model.yaml", import.meta.url));
/** Turns at once on each worker; the submitter allows this many per worker. */
const PER_WORKER = 4;

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
  const started = await Promise.allSettled(
    Array.from({ length: count }, (_, i) =>
      startWorker(redis.url, `${name}${count}-${i}`, dir, ["--concurrency", String(PER_WORKER)], backend),
    ),
  );
  const workers = started.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  const failed = started.find((r) => r.status === "rejected");
  if (failed) {
    await Promise.all(workers.map((w) => w.stop()));
    throw failed.reason;
  }
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

/**
 * The same no-op codex turns (bench/lib/noop-codex.sh), one at a time, through a local pool and through
 * the fleet (one worker): spawn → wait → close per turn. The difference is what Redis adds to a turn.
 */
async function dispatchOnce(
  redis: TestRedis,
  n: number,
  dir: string,
): Promise<{ localMs: number[]; fleetMs: number[] }> {
  const run = async (pool: Pool) => {
    const ms: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const id = pool.spawn({ message: `no-op ${i}` });
      await pool.wait([id]);
      await pool.close(id);
      ms.push(performance.now() - t0);
    }
    await pool.shutdown();
    return ms;
  };
  const localMs = await run(new Pool({ backends: codexBackend({ codexPath: NOOP_CODEX }), cwd: dir }));
  const worker = await startWorker(redis.url, "dispatch", dir, [], ["--backend", "codex"], {
    BATON_CODEX_BIN: NOOP_CODEX,
  });
  try {
    const fleetMs = await withFleet(redis, (fleet) =>
      run(new Pool({ backends: remoteBackend("codex"), cwd: dir, turns: fleet.turns })),
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
    const dispatch: Array<{ localMs: number[]; fleetMs: number[] }> = [];
    for (let i = 0; i < repetitions; i++) {
      o.log(`dispatch: ${n} no-op turns one at a time, local then fleet (${i + 1}/${repetitions})`);
      dispatch.push(await dispatchOnce(redis, n, dir));
    }
    const local = summarize(dispatch.flatMap((d) => d.localMs));
    const remote = summarize(dispatch.flatMap((d) => d.fleetMs));
    const wall = (name: string, count: number) =>
      maps.find((m) => m.backend === name && m.workers === count)!;
    const targets: Target[] = ["command", "codex"].map((name) => ({
      what: `Fleet: map of ${n} short items, ${name === "codex" ? "scripted codex" : "command backend"} — 3 workers vs 1`,
      value: `${fmt(wall(name, 3).wallMs / 1000, "s")} (${fmt(wall(name, 1).wallMs / wall(name, 3).wallMs)}× faster)`,
      baseline: `1 worker: ${fmt(wall(name, 1).wallMs / 1000, "s")}`,
    }));
    targets.push({
      what: `Fleet: one no-op codex turn through Redis, spawn → wait → close (p50 / p90; ${n * repetitions} turns)`,
      value: `${fmt(remote.p50, "ms")} / ${fmt(remote.p90, "ms")} (${remote.p50 >= local.p50 ? "+" : "−"}${fmt(Math.abs(remote.p50 - local.p50), "ms")} at p50)`,
      baseline: `local pool: ${fmt(local.p50, "ms")} / ${fmt(local.p90, "ms")}`,
    });
    return {
      config: {
        items: n,
        perWorkerConcurrency: PER_WORKER,
        dispatchTurnsPerRepetition: n,
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
          title: "Dispatch: one no-op turn at a time, local pool vs through Redis (one worker)",
          headers: ["run", "local p50", "fleet p50", "local p90", "fleet p90"],
          rows: dispatch.map((d, i) => {
            const [l, f] = [summarize(d.localMs), summarize(d.fleetMs)];
            return [String(i + 1), fmt(l.p50, "ms"), fmt(f.p50, "ms"), fmt(l.p90, "ms"), fmt(f.p90, "ms")];
          }),
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
