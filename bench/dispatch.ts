import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { inChild } from "./lib/child.ts";
import { liveMb, rssMb } from "./lib/memory.ts";
import type { Benchmark, BenchOptions, BenchReport, Target } from "./lib/report.ts";
import { fmt, median } from "./lib/stats.ts";
import { codexTurnArgs, NOOP_CODEX, plainRun, runLimited } from "./lib/workers.ts";

const SELF = fileURLToPath(import.meta.url);
const CONCURRENCY = 16;

interface DispatchInput {
  n: number;
  concurrency: number;
  dir: string;
  record?: boolean;
}

interface DispatchSample {
  wallMs: number;
  /** CPU of the orchestrating process during the measured window only. */
  cpuWindowMs: number;
  completed: number;
  rssBeforeMb: number;
  /** Heap + Buffer memory still held once every agent was closed (after a full GC), minus the same before. */
  heldMb: number;
}

/** Child: the same no-op worker run N times by child_process.spawn under a limit of `concurrency`. */
export async function measurePlain(input: DispatchInput): Promise<DispatchSample> {
  const liveBefore = await liveMb();
  const rssBeforeMb = rssMb();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const runs = await runLimited(input.n, input.concurrency, (i) =>
    plainRun(NOOP_CODEX, codexTurnArgs(`no-op task ${i}`, input.dir)),
  );
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return {
    wallMs,
    cpuWindowMs: (cpu.user + cpu.system) / 1000,
    completed: runs.filter((r) => r.exitCode === 0).length,
    rssBeforeMb,
    heldMb: (await liveMb()) - liveBefore,
  };
}

/** Child: baton's Pool with the codex backend pointed at the no-op worker: spawn N → wait all → close all. */
export async function measureBaton(input: DispatchInput): Promise<DispatchSample> {
  // Imported here, so that the baseline's process does not load (nor pay memory for) baton.
  const { Pool } = await import("../src/core/pool.ts");
  const { codexBackend } = await import("../src/backends/codex/backend.ts");
  const { RunRecorder } = await import("../src/run/recorder.ts");
  const recorder = input.record ? new RunRecorder(join(input.dir, "run")) : undefined;
  const pool = new Pool({
    backends: codexBackend({ codexPath: NOOP_CODEX }),
    concurrency: input.concurrency,
    cwd: input.dir,
    scratchDir: recorder?.agentDir("."),
    onEvent: recorder?.onPoolEvent,
  });
  const liveBefore = await liveMb();
  const rssBeforeMb = rssMb();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const ids: string[] = [];
  for (let i = 0; i < input.n; i++) ids.push(pool.spawn({ message: `no-op task ${i}` }));
  const result = await pool.wait(ids);
  await Promise.all(ids.map((id) => pool.close(id)));
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const completed = Object.values(result.status).filter((s) => "completed" in s).length;
  // Closed agents stay in the pool (list() still shows them): this is what N of them cost to keep.
  const heldMb = (await liveMb()) - liveBefore;
  await pool.shutdown();
  await recorder?.close();
  return { wallMs, cpuWindowMs: (cpu.user + cpu.system) / 1000, completed, rssBeforeMb, heldMb };
}

type Variant = "plain" | "baton" | "baton+record";
const VARIANTS: Record<Variant, { fn: string; label: string; record?: boolean }> = {
  plain: { fn: "measurePlain", label: "baseline: child_process.spawn + limit" },
  baton: { fn: "measureBaton", label: "baton Pool (core)" },
  "baton+record": { fn: "measureBaton", label: "baton Pool + run record", record: true },
};

interface Point {
  n: number;
  reps: number;
  samples: Record<Variant, (DispatchSample & { peakRssMb: number; cpuMs: number })[]>;
}

async function measurePoint(
  n: number,
  reps: number,
  variants: Variant[],
  options: BenchOptions,
): Promise<Point> {
  const samples = { plain: [], baton: [], "baton+record": [] } as Point["samples"];
  for (let rep = 0; rep < reps; rep++) {
    // Rotating the order spreads any drift of the machine over every variant.
    const order = variants.map((_, i) => variants[(i + rep) % variants.length]!);
    for (const variant of order) {
      const dir = mkdtempSync(join(tmpdir(), "baton-bench-dispatch-"));
      try {
        const v = VARIANTS[variant];
        const profile = options.cpuProfDir && variant !== "plain" ? options.cpuProfDir : undefined;
        const sample = await inChild<DispatchSample>(
          SELF,
          v.fn,
          { n, concurrency: CONCURRENCY, dir, record: v.record } satisfies DispatchInput,
          {
            nodeArgs: ["--expose-gc"],
            cpuProfDir: profile,
            profileName: `dispatch-${variant}-${n}-${rep}`,
            timeoutMs: 30 * 60_000,
          },
        );
        if (sample.completed !== n)
          throw new Error(`dispatch ${variant} n=${n}: only ${sample.completed} of ${n} completed`);
        samples[variant].push(sample);
        options.log(
          `dispatch n=${n} rep ${rep + 1}/${reps} ${variant}: ${fmt(sample.wallMs, "ms")}, peak RSS ${fmt(sample.peakRssMb, "MB")}`,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  return { n, reps, samples };
}

export const dispatch: Benchmark = {
  name: "dispatch",
  title: "2. Dispatch cost (no-op workers, concurrency 16)",
  async run(options) {
    const points: Point[] = [];
    const plan: { n: number; reps: number; variants: Variant[] }[] = [
      { n: 200, reps: options.quick ? 3 : 5, variants: ["plain", "baton", "baton+record"] },
      { n: 2_000, reps: options.quick ? 1 : 3, variants: ["plain", "baton", "baton+record"] },
      ...(options.quick ? [] : [{ n: 20_000, reps: 1, variants: ["plain", "baton"] as Variant[] }]),
    ];
    for (const p of plan) points.push(await measurePoint(p.n, p.reps, p.variants, options));
    return report(points, options);
  },
};

function report(points: Point[], options: BenchOptions): BenchReport {
  const rows: string[][] = [];
  const targets: Target[] = [];
  for (const point of points) {
    const plainWall = median(point.samples.plain.map((s) => s.wallMs));
    const plainCpu = median(point.samples.plain.map((s) => s.cpuWindowMs));
    const plainRss = median(point.samples.plain.map((s) => s.peakRssMb));
    for (const variant of Object.keys(VARIANTS) as Variant[]) {
      const samples = point.samples[variant];
      if (samples.length === 0) continue;
      const wall = median(samples.map((s) => s.wallMs));
      const cpu = median(samples.map((s) => s.cpuWindowMs));
      const rss = median(samples.map((s) => s.peakRssMb));
      const held = median(samples.map((s) => s.heldMb));
      const isBase = variant === "plain";
      const perAgent = (wall - plainWall) / point.n;
      const cpuPerAgent = (cpu - plainCpu) / point.n;
      rows.push([
        String(point.n),
        VARIANTS[variant].label,
        String(samples.length),
        fmt(wall, "ms"),
        fmt((wall / point.n) * 1000, "µs"),
        isBase ? "–" : fmt(perAgent, "ms"),
        isBase ? "–" : fmt(cpuPerAgent, "ms"),
        fmt(rss, "MB"),
        isBase ? "–" : fmt(rss - plainRss, "MB"),
        isBase ? "–" : fmt((held * 1e6) / point.n / 1024, "KiB"),
      ]);
      if (variant === "baton") {
        const target = point.n === 200 ? "< 5 ms" : point.n === 2_000 ? "≤ 2 ms" : undefined;
        targets.push({
          what: `Dispatch: orchestration overhead per agent, N = ${point.n.toLocaleString("en")}, concurrency ${CONCURRENCY}`,
          value: fmt(perAgent, "ms"),
          baseline: `plain spawn: ${fmt(plainWall / point.n, "ms")} wall per agent`,
          target,
          met: point.n === 200 ? perAgent < 5 : point.n === 2_000 ? perAgent <= 2 : undefined,
        });
        targets.push({
          what: `Dispatch: peak RSS, N = ${point.n.toLocaleString("en")}`,
          value: fmt(rss, "MB"),
          baseline: `plain spawn: ${fmt(plainRss, "MB")}`,
          target: point.n === 2_000 ? "≤ 150 MB" : undefined,
          met: point.n === 2_000 ? rss <= 150 : undefined,
        });
      }
    }
  }
  return {
    config: {
      concurrency: CONCURRENCY,
      worker: "bench/lib/noop-codex.sh (sh printing 4 codex JSONL events)",
      points: points.map((p) => ({ n: p.n, reps: p.reps })),
      quick: options.quick,
    },
    baseline:
      "the same no-op worker (same file and argv as baton's codex backend builds) started with plain `child_process.spawn` " +
      "under the same limit of 16, stdout read to its end, done at 'close'. overhead per agent = (baton wall − baseline wall) / N; " +
      "orchestration CPU per agent = (baton process CPU − baseline process CPU) / N, both over the measured window. " +
      "Each variant runs in a fresh Node process; peak RSS is that process's maxRSS. held / closed agent = heap + " +
      "Buffer memory still in use after a full GC once all N agents are closed (the pool keeps closed agents), over N.",
    tables: [
      {
        title: "Dispatch cost: spawn N → wait all → close all (medians)",
        headers: [
          "N",
          "variant",
          "reps",
          "wall",
          "wall / agent",
          "overhead / agent",
          "orchestr. CPU / agent",
          "peak RSS",
          "RSS vs baseline",
          "held / closed agent",
        ],
        rows,
      },
    ],
    targets,
    notes: [linearity(points)],
    data: points,
  };
}

/** Whether the cost per agent stays flat as N grows, in one line. */
function linearity(points: Point[]): string {
  const per = (p: Point, v: Variant) => {
    const base = median(p.samples.plain.map((s) => s.wallMs));
    return (median(p.samples[v].map((s) => s.wallMs)) - base) / p.n;
  };
  const list = points.map((p) => `${p.n.toLocaleString("en")}: ${fmt(per(p, "baton"), "ms")}`).join(", ");
  return `Core overhead per agent by N (flat = linear growth of the total): ${list}.`;
}
