// `npm run bench [-- --quick] [-- --only dispatch,wakeup] [-- --cpu-prof]`: baton next to the
// alternatives, in one run, on this machine. Prints Markdown tables; writes bench/results/<name>.json.
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { dispatch } from "./dispatch.ts";
import { fanout, fanoutShort } from "./fanout.ts";
import { fleet } from "./fleet.ts";
import {
  type Benchmark,
  formatLikeTheRepo,
  machineInfo,
  RESULTS_DIR,
  renderReport,
  sourceState,
  type Target,
  verdict,
  writeResult,
} from "./lib/report.ts";
import { markdownTable } from "./lib/table.ts";
import { mcp } from "./mcp.ts";
import { throughput } from "./throughput.ts";
import { wakeup } from "./wakeup.ts";

const BENCHMARKS: Benchmark[] = [fanout, fanoutShort, dispatch, throughput, wakeup, mcp, fleet];

const HELP = `Usage: npm run bench -- [--quick] [--only <names>] [--cpu-prof]

  --quick        fewer repetitions and smaller sizes (no 20,000-agent point); about 2 minutes;
                 results go to bench/results/quick/ (not committed)
  --only <names> comma-separated: ${BENCHMARKS.map((b) => b.name).join(", ")}
  --cpu-prof     write V8 CPU profiles of baton's measurement processes to bench/results/profiles/

Example: npm run bench -- --only dispatch,wakeup --quick`;

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    "cpu-prof": { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const wanted = values.only
  ?.split(",")
  .map((s) => s.trim())
  .filter(Boolean);
const unknown = wanted?.filter((name) => !BENCHMARKS.some((b) => b.name === name)) ?? [];
if (unknown.length > 0) {
  console.error(
    `--only: unknown benchmark ${unknown.join(", ")}; known: ${BENCHMARKS.map((b) => b.name).join(", ")}`,
  );
  process.exit(2);
}
const selected = BENCHMARKS.filter((b) => !wanted || wanted.includes(b.name));
const quick = values.quick ?? false;
const machine = machineInfo();
const log = (line: string) => process.stderr.write(`  ${line}\n`);
const allTargets: (Target & { bench: string })[] = [];
const started = performance.now();
const sourceChanged: string[] = [];

console.log(`# baton benchmarks${quick ? " (--quick)" : ""}\n`);
console.log(
  `${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB, ${machine.platform}, Node ${machine.node}, ${machine.codex}\n`,
);
let failed = 0;
for (const benchmark of selected) {
  process.stderr.write(`${benchmark.title}\n`);
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  const loadBefore = loadavg()[0]!;
  const sourceBefore = sourceState();
  try {
    const report = await benchmark.run({
      quick,
      log,
      cpuProfDir: values["cpu-prof"] ? join(RESULTS_DIR, "profiles") : undefined,
    });
    const durationMs = Math.round(performance.now() - t0);
    // Other work on the machine moves every figure: say how busy it was.
    const load = { before: round2(loadBefore), after: round2(loadavg()[0]!) };
    report.notes.push(
      `Load average (1 min) of the machine: ${load.before} before, ${load.after} after (${machine.cpus} CPUs).`,
    );
    // Other engineers commit to src/ while a run may be going: a benchmark that straddles a change says so.
    const sourceAfter = sourceState();
    const source = sourceAfter === sourceBefore ? sourceBefore : `${sourceBefore} → ${sourceAfter}`;
    if (sourceAfter !== sourceBefore) {
      sourceChanged.push(benchmark.name);
      report.notes.push(
        `WARNING: src/ changed during this benchmark (${source}): its figures mix two versions.`,
      );
    }
    const file = writeResult(benchmark, report, {
      startedAt,
      durationMs,
      quick,
      machine: { ...machine, loadAverage1m: load, source },
    });
    console.log(`${renderReport(benchmark.title, report)}\n`);
    log(`${Math.round(durationMs / 1000)} s; wrote ${file}`);
    for (const target of report.targets) allTargets.push({ ...target, bench: benchmark.name });
  } catch (error) {
    failed++;
    console.log(`## ${benchmark.title}\n\nFAILED: ${(error as Error).stack ?? String(error)}\n`);
  }
}

if (allTargets.length > 0) {
  const summary = [
    `Summary (${new Date().toISOString().slice(0, 10)}, src/ at ${sourceState()}, ${machine.cpus} × ${machine.cpuModel}, ` +
      `Node ${machine.node}, ${machine.codex}${quick ? ", --quick" : ""}):`,
    ...(sourceChanged.length > 0
      ? ["", `WARNING: src/ changed during ${sourceChanged.join(", ")}: run again.`]
      : []),
    "",
    markdownTable(
      ["figure", "baton", "baseline (same run)", "target", "result"],
      allTargets.map((t) => [t.what, t.value, t.baseline, t.target ?? "–", verdict(t)]),
    ),
  ].join("\n");
  console.log(`## Summary\n\n${summary}`);
  if (!wanted && !quick) {
    const file = join(RESULTS_DIR, "summary.md");
    writeFileSync(file, `${summary}\n`);
    formatLikeTheRepo(file);
  }
}
console.log(
  `\nTotal ${Math.round((performance.now() - started) / 1000)} s. Reproduce: npm run bench${quick ? " -- --quick" : ""}`,
);
process.exit(failed > 0 ? 1 : 0);

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
