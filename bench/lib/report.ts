import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { markdownTable } from "./table.ts";

export const RESULTS_DIR = fileURLToPath(new URL("../results/", import.meta.url));

export interface BenchOptions {
  quick: boolean;
  /** Write V8 CPU profiles of baton's measurement children here. */
  cpuProfDir?: string;
  log(line: string): void;
}

export interface Table {
  title: string;
  headers: string[];
  rows: string[][];
}

/** One stated target and whether this run met it. */
export interface Target {
  what: string;
  target: string;
  value: string;
  met: boolean;
}

export interface BenchReport {
  /** What was run: sizes, repetitions, worker, model latency, … */
  config: Record<string, unknown>;
  /** What the baseline is, in one or two sentences, printed with the table. */
  baseline: string;
  tables: Table[];
  targets: Target[];
  notes: string[];
  /** Every sample, for anyone who wants to recompute. */
  data: unknown;
}

export interface Benchmark {
  name: string;
  title: string;
  /** Skipped by --quick. */
  slow?: boolean;
  run(options: BenchOptions): Promise<BenchReport>;
}

export function machineInfo(): Record<string, unknown> {
  const cpu = cpus();
  let codexVersion = "unknown";
  try {
    const bin = fileURLToPath(new URL("../../node_modules/.bin/codex", import.meta.url));
    codexVersion = execFileSync(bin, ["--version"], { encoding: "utf8", timeout: 10_000 }).trim();
  } catch {
    // not installed: the fan-out benchmark says so itself
  }
  return {
    cpus: cpu.length,
    cpuModel: cpu[0]?.model ?? "unknown",
    memoryGb: Math.round(totalmem() / 2 ** 30),
    platform: `${process.platform} ${process.arch}`,
    node: process.version,
    codex: codexVersion,
  };
}

export function renderReport(title: string, report: BenchReport): string {
  const parts = [`## ${title}`, "", `Baseline: ${report.baseline}`, ""];
  for (const table of report.tables) {
    parts.push(`**${table.title}**`, "", markdownTable(table.headers, table.rows), "");
  }
  if (report.targets.length > 0) {
    parts.push(
      markdownTable(
        ["target", "wanted", "measured", "result"],
        report.targets.map((t) => [t.what, t.target, t.value, t.met ? "met" : "MISSED"]),
      ),
      "",
    );
  }
  for (const note of report.notes) parts.push(`- ${note}`);
  return parts.join("\n").trimEnd();
}

export function writeResult(
  benchmark: Benchmark,
  report: BenchReport,
  meta: { startedAt: string; durationMs: number; quick: boolean; machine: Record<string, unknown> },
): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${benchmark.name}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ name: benchmark.name, title: benchmark.title, ...meta, ...report }, null, 2)}\n`,
  );
  return file;
}
