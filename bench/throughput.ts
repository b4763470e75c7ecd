import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { inChild } from "./lib/child.ts";
import { writeEventStream } from "./lib/event-stream.ts";
import { liveMb } from "./lib/memory.ts";
import type { Benchmark, BenchOptions, BenchReport, Target } from "./lib/report.ts";
import { fmt, median } from "./lib/stats.ts";

const SELF = fileURLToPath(import.meta.url);
/** Sizes and rates are in MB = 10^6 bytes, the unit of the targets. */
const MB = 1e6;
const CAT = "/bin/cat";

interface StreamInput {
  file: string;
  dir: string;
  record?: boolean;
}

interface StreamSample {
  wallMs: number;
  bytes: number;
  /** Lines (baselines) or worker events (baton) seen. */
  units: number;
  rssBeforeMb: number;
  /** Heap + external memory still held after the stream and a full GC, minus the same before it. */
  retainedMb: number;
  completed: boolean;
}

function catStream(file: string, onData: (chunk: Buffer) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(CAT, [file], { stdio: ["ignore", "pipe", "ignore"] });
    let bytes = 0;
    child.stdout.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      onData(chunk);
    });
    child.on("error", reject);
    child.on("close", () => resolve(bytes));
  });
}

/** Reads the stream once through `onChunk` and reports time, lines counted and memory retained. */
async function measureStream(
  input: StreamInput,
  onChunk: (chunk: Buffer) => void,
  lines: () => number,
  finish: () => void = () => {},
): Promise<StreamSample> {
  const liveBefore = await liveMb();
  const rssBeforeMb = process.memoryUsage().rss / MB;
  const t0 = performance.now();
  const bytes = await catStream(input.file, onChunk);
  finish();
  const wallMs = performance.now() - t0;
  return {
    wallMs,
    bytes,
    units: lines(),
    rssBeforeMb,
    retainedMb: (await liveMb()) - liveBefore,
    completed: true,
  };
}

/** Child, baseline: read the worker's stdout and find the line ends in the raw bytes; nothing decoded. */
export async function measureRaw(input: StreamInput): Promise<StreamSample> {
  let lines = 0;
  return measureStream(
    input,
    (chunk) => {
      for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, nl + 1)) lines++;
    },
    () => lines,
  );
}

/** Child, attribution: baton's own line splitter (UTF-8 decoding + one string per line), no JSON. */
export async function measureSplit(input: StreamInput): Promise<StreamSample> {
  const { lineSplitter } = await import("../src/util/lines.ts");
  let lines = 0;
  const splitter = lineSplitter(() => {
    lines++;
  });
  return measureStream(
    input,
    (chunk) => splitter.push(chunk),
    () => lines,
    () => splitter.end(),
  );
}

/** Child: one baton agent whose worker prints the stream; every line parsed into a WorkerEvent. */
export async function measureBaton(input: StreamInput): Promise<StreamSample> {
  const { Pool } = await import("../src/core/pool.ts");
  const { RunRecorder } = await import("../src/run/recorder.ts");
  const { commandBackend } = await import("./lib/workers.ts");
  const recorder = input.record ? new RunRecorder(join(input.dir, "run")) : undefined;
  let events = 0;
  const pool = new Pool({
    backends: commandBackend(CAT, [input.file]),
    concurrency: 1,
    cwd: input.dir,
    scratchDir: recorder?.agentDir(".") ?? join(input.dir, "scratch"),
    onEvent: (event) => {
      if (event.type === "worker.event") events++;
      recorder?.onPoolEvent(event);
    },
  });
  const liveBefore = await liveMb();
  const rssBeforeMb = process.memoryUsage().rss / MB;
  const t0 = performance.now();
  const id = pool.spawn({ message: "stream" });
  const result = await pool.wait([id]);
  const wallMs = performance.now() - t0;
  // Still open (its record kept), as an agent is until closed: what it holds is what a run would hold.
  const retainedMb = (await liveMb()) - liveBefore;
  await pool.shutdown();
  await recorder?.close();
  const bytes = Number(process.env.BENCH_STREAM_BYTES ?? 0);
  const completed = "completed" in (result.status[id] ?? {});
  return { wallMs, bytes, units: events, rssBeforeMb, retainedMb, completed };
}

type Variant = "raw" | "split" | "baton" | "baton+record";
const VARIANTS: Record<Variant, { fn: string; label: string; record?: boolean }> = {
  raw: { fn: "measureRaw", label: "baseline: read + find line ends (no decoding, no parsing)" },
  split: { fn: "measureSplit", label: "baton's line splitter only (UTF-8 decode + split)" },
  baton: { fn: "measureBaton", label: "baton Pool (split + codex JSONL parser → events)" },
  "baton+record": {
    fn: "measureBaton",
    label: "baton Pool + run record (events.jsonl written)",
    record: true,
  },
};

export const throughput: Benchmark = {
  name: "throughput",
  title: "3. Event throughput (one worker, large command outputs)",
  async run(options) {
    const sizeMb = options.quick ? 64 : 200;
    const reps = options.quick ? 2 : 3;
    const dir = mkdtempSync(join(tmpdir(), "baton-bench-stream-"));
    try {
      const file = join(dir, "events.jsonl");
      const stream = writeEventStream(file, sizeMb * MB);
      options.log(`stream: ${fmt(stream.bytes / MB, "MB")}, ${stream.lines} lines`);
      const samples: Record<Variant, (StreamSample & { peakRssMb: number })[]> = {
        raw: [],
        split: [],
        baton: [],
        "baton+record": [],
      };
      const variants = Object.keys(VARIANTS) as Variant[];
      for (let rep = 0; rep < reps; rep++) {
        for (const variant of variants.map((_, i) => variants[(i + rep) % variants.length]!)) {
          const runDir = mkdtempSync(join(dir, "run-"));
          try {
            const v = VARIANTS[variant];
            const profile =
              options.cpuProfDir && variant.startsWith("baton") ? options.cpuProfDir : undefined;
            const sample = await inChild<StreamSample>(
              SELF,
              v.fn,
              { file, dir: runDir, record: v.record } satisfies StreamInput,
              {
                env: { ...process.env, BENCH_STREAM_BYTES: String(stream.bytes) },
                nodeArgs: ["--expose-gc"],
                cpuProfDir: profile,
                profileName: `throughput-${variant}-${rep}`,
              },
            );
            if (!sample.completed || sample.bytes !== stream.bytes)
              throw new Error(`throughput ${variant}: incomplete (${JSON.stringify(sample)})`);
            samples[variant].push(sample);
            options.log(
              `throughput rep ${rep + 1}/${reps} ${variant}: ${fmt(stream.bytes / MB / (sample.wallMs / 1000), "MB/s")}, RSS +${fmt(sample.peakRssMb - sample.rssBeforeMb, "MB")}`,
            );
          } finally {
            rmSync(runDir, { recursive: true, force: true });
          }
        }
      }
      return report(stream, samples, reps, options);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

function report(
  stream: { bytes: number; lines: number },
  samples: Record<Variant, (StreamSample & { peakRssMb: number })[]>,
  reps: number,
  options: BenchOptions,
): BenchReport {
  const mb = stream.bytes / MB;
  const rawRate = median(samples.raw.map((s) => mb / (s.wallMs / 1000)));
  const rows: string[][] = [];
  const targets: Target[] = [];
  for (const variant of Object.keys(VARIANTS) as Variant[]) {
    const list = samples[variant];
    const rate = median(list.map((s) => mb / (s.wallMs / 1000)));
    const growth = median(list.map((s) => s.peakRssMb - s.rssBeforeMb));
    const peak = median(list.map((s) => s.peakRssMb));
    rows.push([
      VARIANTS[variant].label,
      fmt(median(list.map((s) => s.wallMs)), "ms"),
      fmt(rate, "MB/s"),
      variant === "raw" ? "1×" : `${(rate / rawRate).toFixed(2)}×`,
      fmt(growth, "MB"),
      fmt(median(list.map((s) => s.retainedMb)), "MB"),
      fmt(peak, "MB"),
    ]);
  }
  const of = (v: Variant, f: (s: StreamSample & { peakRssMb: number }) => number) =>
    median(samples[v].map(f));
  const rate = of("baton", (s) => mb / (s.wallMs / 1000));
  const growth = of("baton", (s) => s.peakRssMb - s.rssBeforeMb);
  targets.push({
    what: `Event throughput: ${fmt(mb, "MB")} of codex JSONL, one worker — parse rate`,
    value: fmt(rate, "MB/s"),
    baseline: `read + split, no parsing: ${fmt(rawRate, "MB/s")}`,
    target: "≥ 100 MB/s",
    met: rate >= 100,
  });
  targets.push({
    what: "Event throughput: RSS growth while streaming (held after GC)",
    value: `${fmt(growth, "MB")} (${fmt(
      of("baton", (s) => s.retainedMb),
      "MB",
    )})`,
    baseline: `read + split: ${fmt(
      of("raw", (s) => s.peakRssMb - s.rssBeforeMb),
      "MB",
    )}`,
    target: "≤ 64 MB",
    met: growth <= 64,
  });
  return {
    config: {
      streamBytes: stream.bytes,
      lines: stream.lines,
      reps,
      worker: "cat <file> (a pre-written codex JSONL stream)",
      quick: options.quick,
    },
    baseline:
      "`cat` of the same file read by plain `child_process.spawn`, finding line ends in the raw bytes with no decoding and no " +
      "parsing (the least any consumer of the stream must do). RSS growth = the process's peak RSS − its RSS just before the " +
      "worker started; each variant runs in a fresh Node process.",
    tables: [
      {
        title: `Event throughput: ${fmt(mb, "MB")} of codex JSONL (${stream.lines} lines, outputs of 0.5 KiB to 1 MiB per line), medians of ${reps}`,
        headers: ["reader", "wall", "rate", "vs baseline", "RSS growth (peak)", "held after GC", "peak RSS"],
        rows,
      },
    ],
    targets,
    notes: [],
    data: samples,
  };
}
