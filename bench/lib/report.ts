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

/** One headline figure of baton, its baseline's figure from the same run, and the target if there is one. */
export interface Target {
  what: string;
  /** baton's figure. */
  value: string;
  /** The same figure for the baseline (or what the baseline is for this figure). */
  baseline: string;
  /** e.g. "≤ 2 ms"; absent for figures shown without a target. */
  target?: string;
  met?: boolean;
}

export function verdict(t: Target): string {
  return t.met === undefined ? "–" : t.met ? "met" : "MISSED";
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

/**
 * The last commit that changed src/, with "+changes" when src/ differs from it. Compared
 * before and after each benchmark, so that a run that straddles a change to src/ says so.
 */
export function sourceState(): string {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  const git = (...args: string[]) =>
    execFileSync("git", args, { cwd: root, encoding: "utf8", timeout: 10_000 }).trim();
  try {
    const dirty = git("status", "--porcelain", "--", "src") !== "";
    return `${git("log", "-1", "--format=%h", "--", "src")}${dirty ? "+changes" : ""}`;
  } catch {
    return "unknown";
  }
}

export function renderReport(title: string, report: BenchReport): string {
  const parts = [`## ${title}`, "", `Baseline: ${report.baseline}`, ""];
  for (const table of report.tables) {
    parts.push(`**${table.title}**`, "", markdownTable(table.headers, table.rows), "");
  }
  if (report.targets.length > 0) {
    parts.push(
      markdownTable(
        ["figure", "baton", "baseline", "target", "result"],
        report.targets.map((t) => [t.what, t.value, t.baseline, t.target ?? "–", verdict(t)]),
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
  // Quick runs go aside, so that trying the benchmarks never overwrites the committed full results.
  const dir = meta.quick ? join(RESULTS_DIR, "quick") : RESULTS_DIR;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${benchmark.name}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ name: benchmark.name, title: benchmark.title, ...meta, ...report }, null, 2)}\n`,
  );
  formatLikeTheRepo(file);
  return file;
}

/** Results are committed: format them as `npm run lint` expects (biome), when biome is installed. */
export function formatLikeTheRepo(file: string): void {
  const biome = fileURLToPath(new URL("../../node_modules/.bin/biome", import.meta.url));
  try {
    execFileSync(biome, ["format", "--write", file], { stdio: "ignore", timeout: 30_000 });
  } catch {
    // Not installed or failed: the JSON is valid as written.
  }
}
