import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseModelScript, startModelServer } from "../src/model-server/index.ts";
import { makeCodexTestEnv } from "../test/helpers/codex-home.ts";
import { inChild } from "./lib/child.ts";
import { sampleFleet } from "./lib/fleet.ts";
import type { Benchmark, BenchOptions, BenchReport, Target } from "./lib/report.ts";
import { fmt, median } from "./lib/stats.ts";
import { codexTurnArgs, runLimited } from "./lib/workers.ts";
import { loadSdk, SDK_SETUP, sdkInstalled } from "./sdk/load.ts";

const SELF = fileURLToPath(import.meta.url);
const TASKS = 32;
const CONCURRENCY = 8;
/** Sequential turns of the per-turn overhead measurement (after one warm-up turn in the same pool). */
const SEQUENTIAL_TURNS = 8;

type Transport = "exec" | "app";

interface FanoutInput {
  codexBin: string;
  env: NodeJS.ProcessEnv;
  workdir: string;
  runDir: string;
  tasks: number;
  concurrency: number;
  /** Prompt prefix: the model server answers each scenario with its own latency. */
  prefix: string;
  transport: Transport;
}

interface FanoutSample {
  wallMs: number;
  /** CPU of the orchestrating process over the measured window (not of the codex processes). */
  cpuWindowMs: number;
  completed: number;
  /** Peak summed RSS of the workers (codex processes and what they started), in MB. */
  fleetPeakMb?: number;
  peakRssMb?: number;
}

const prompt = (prefix: string, i: number) => `${prefix} task ${i}: reply with ok.`;

function cpuMs(since: NodeJS.CpuUsage): number {
  const cpu = process.cpuUsage(since);
  return (cpu.user + cpu.system) / 1000;
}

async function batonPool(input: FanoutInput, concurrency: number) {
  const { Pool } = await import("../src/core/pool.ts");
  const { codexBackend } = await import("../src/backends/codex/backend.ts");
  const { codexAppBackend } = await import("../src/backends/codex-app/backend.ts");
  const { RunRecorder } = await import("../src/run/recorder.ts");
  const recorder = new RunRecorder(input.runDir);
  const options = { codexPath: input.codexBin, env: input.env };
  const pool = new Pool({
    backends: input.transport === "app" ? codexAppBackend(options) : codexBackend(options),
    concurrency,
    cwd: input.workdir,
    scratchDir: recorder.agentDir("."),
    onEvent: recorder.onPoolEvent,
  });
  return { pool, recorder };
}

/** Child: baton's Pool with a codex backend and the run record (journal, per-agent events, prompts, answers). */
export async function measureBaton(input: FanoutInput): Promise<FanoutSample> {
  const { pool, recorder } = await batonPool(input, input.concurrency);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const ids = Array.from({ length: input.tasks }, (_, i) => pool.spawn({ message: prompt(input.prefix, i) }));
  const result = await pool.wait(ids);
  const wallMs = performance.now() - t0;
  const cpuWindowMs = cpuMs(cpu0);
  await pool.shutdown();
  await recorder.close();
  const completed = Object.values(result.status).filter((s) => "completed" in s).length;
  return { wallMs, cpuWindowMs, completed };
}

/**
 * Child: one short turn at a time (a fresh agent each), after one warm-up turn in the same pool (for
 * codex-app: the server's start). Each turn's wall is baton's orchestration plus codex's own cost, as the
 * model answers at once.
 */
export async function measureSequential(
  input: FanoutInput,
): Promise<{ turnMs: number[]; completed: number }> {
  const { pool, recorder } = await batonPool(input, 1);
  const warm = pool.spawn({ message: prompt(input.prefix, -1) });
  await pool.wait([warm]);
  const turnMs: number[] = [];
  let completed = 0;
  for (let i = 0; i < input.tasks; i++) {
    const t0 = performance.now();
    const id = pool.spawn({ message: prompt(input.prefix, i) });
    const result = await pool.wait([id]);
    turnMs.push(performance.now() - t0);
    if ("completed" in result.status[id]!) completed++;
  }
  await pool.shutdown();
  await recorder.close();
  return { turnMs, completed };
}

/** Child: @openai/codex-sdk, one thread per task, `thread.run()` under Promise.all with the same limit. */
export async function measureSdk(input: FanoutInput): Promise<FanoutSample> {
  const { Codex } = await loadSdk();
  // The SDK's bundled codex is older: point it at the same binary; `env` carries the offline CODEX_HOME.
  const codex = new Codex({ codexPathOverride: input.codexBin, env: input.env as Record<string, string> });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const answers = await runLimited(input.tasks, input.concurrency, async (i) => {
    const thread = codex.startThread({
      workingDirectory: input.workdir,
      skipGitRepoCheck: true,
      sandboxMode: "read-only",
    });
    return (await thread.run(prompt(input.prefix, i))).finalResponse;
  });
  return {
    wallMs: performance.now() - t0,
    cpuWindowMs: cpuMs(cpu0),
    completed: answers.filter((a) => a !== "").length,
  };
}

/**
 * Parent: `xargs -P8` running the argv baton's codex-exec backend builds (the prompt as an argument,
 * as xargs gives it, where baton writes it to stdin), output to /dev/null. With
 * `setsid`, every command gets its own session as baton's workers do (see plainRun on autogroups).
 */
function measureXargs(input: FanoutInput, setsid: boolean): Promise<FanoutSample> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    // baton's argv reads the prompt from stdin ("-"); xargs gives it as codex's positional argument.
    const argv = codexTurnArgs("", input.workdir);
    if (argv.at(-1) !== "-")
      throw new Error(`fan-out: expected codex's argv to end with "-": ${argv.join(" ")}`);
    const command = [...(setsid ? ["setsid"] : []), input.codexBin, ...argv.slice(0, -1), "{}"];
    const xargsArgs = ["-d", "\\n", "-P", String(input.concurrency), "-I", "{}", ...command];
    const child = spawn("xargs", xargsArgs, { env: input.env, stdio: ["pipe", "ignore", "ignore"] });
    const fleet = child.pid === undefined ? undefined : sampleFleet(child.pid);
    child.on("error", reject);
    child.on("close", (code) => {
      const wallMs = performance.now() - t0;
      // xargs exits 123 if any command failed.
      const completed = code === 0 ? input.tasks : 0;
      resolve({ wallMs, cpuWindowMs: Number.NaN, completed, fleetPeakMb: fleet?.stop() });
    });
    const lines = Array.from({ length: input.tasks }, (_, i) => prompt(input.prefix, i));
    child.stdin.end(`${lines.join("\n")}\n`);
  });
}

type Variant = "xargs" | "xargs-shared" | "sdk" | "baton" | "baton-app";
const VARIANTS: Variant[] = ["xargs", "xargs-shared", "sdk", "baton", "baton-app"];
const LABELS: Record<Variant, string> = {
  xargs: "baseline: `xargs -P8 setsid codex exec …` (a session per command, like baton)",
  "xargs-shared": "`xargs -P8 codex exec …` (all commands in xargs's session)",
  sdk: "@openai/codex-sdk threads, Promise.all, limit 8 (caller's session)",
  baton: "baton Pool + run record, `--backend codex-exec` (a process per turn)",
  "baton-app": "baton Pool + run record, `--backend codex-app` (one app-server, a thread per agent)",
};

interface Scenario {
  name: string;
  title: string;
  /** Model latency of every answer. */
  modelDelayMs: number;
  prefix: string;
  /** Also measure one turn at a time (orchestration + codex overhead per turn). */
  sequential: boolean;
}

/** The fan-out benchmark for one model latency: every runner takes turns within each repetition. */
function fanoutBenchmark(scenario: Scenario): Benchmark {
  return {
    name: scenario.name,
    title: scenario.title,
    async run(options) {
      const codexBin = fileURLToPath(new URL("../node_modules/.bin/codex", import.meta.url));
      if (!existsSync(codexBin))
        throw new Error(`${codexBin} not found: run npm install (the codex CLI is a devDependency)`);
      const server = await startModelServer({
        script: parseModelScript({ default: { reply: "ok", delayMs: scenario.modelDelayMs } }),
        port: 0,
      });
      const codexEnv = await makeCodexTestEnv({ baseUrl: server.url });
      const workdir = mkdtempSync(join(tmpdir(), "baton-bench-fanout-"));
      const reps = options.quick ? 2 : 5;
      const variants = VARIANTS.filter((v) => v !== "sdk" || sdkInstalled());
      if (!variants.includes("sdk"))
        options.log(`${scenario.name}: @openai/codex-sdk not installed, its row is skipped (${SDK_SETUP})`);
      const samples = Object.fromEntries(VARIANTS.map((v) => [v, [] as FanoutSample[]])) as Record<
        Variant,
        FanoutSample[]
      >;
      const sequential: Record<Transport, number[]> = { exec: [], app: [] };
      try {
        const input = (runDir: string, transport: Transport = "exec"): FanoutInput => ({
          codexBin,
          env: codexEnv.env,
          workdir,
          runDir,
          tasks: TASKS,
          concurrency: CONCURRENCY,
          prefix: scenario.prefix,
          transport,
        });
        // Warm-up (not counted): page cache for the codex binary, first sessions directory.
        await measureXargs({ ...input(""), tasks: CONCURRENCY }, true);
        for (let rep = 0; rep < reps; rep++) {
          for (const variant of variants.map((_, i) => variants[(i + rep) % variants.length]!)) {
            const runDir = join(workdir, `.run-${variant}-${rep}`);
            const before = server.requests.length;
            const sample =
              variant === "xargs" || variant === "xargs-shared"
                ? await measureXargs(input(runDir), variant === "xargs")
                : await inChild<FanoutSample>(
                    SELF,
                    variant === "sdk" ? "measureSdk" : "measureBaton",
                    input(runDir, variant === "baton-app" ? "app" : "exec"),
                    {
                      cpuProfDir: variant.startsWith("baton") ? options.cpuProfDir : undefined,
                      profileName: `${scenario.name}-${variant}-${rep}`,
                      fleet: true,
                    },
                  );
            const requests = server.requests.length - before;
            if (sample.completed !== TASKS || requests < TASKS) {
              throw new Error(
                `${scenario.name} ${variant}: ${sample.completed}/${TASKS} completed, ${requests} model requests`,
              );
            }
            samples[variant].push(sample);
            options.log(`${scenario.name} rep ${rep + 1}/${reps} ${variant}: ${fmt(sample.wallMs, "ms")}`);
            rmSync(runDir, { recursive: true, force: true });
          }
          if (!scenario.sequential) continue;
          for (const transport of rep % 2 === 0 ? (["exec", "app"] as const) : (["app", "exec"] as const)) {
            const runDir = join(workdir, `.run-seq-${transport}-${rep}`);
            const seq = await inChild<{ turnMs: number[]; completed: number }>(SELF, "measureSequential", {
              ...input(runDir, transport),
              tasks: SEQUENTIAL_TURNS,
            });
            if (seq.completed !== SEQUENTIAL_TURNS)
              throw new Error(
                `${scenario.name} sequential ${transport}: ${seq.completed}/${SEQUENTIAL_TURNS}`,
              );
            sequential[transport].push(...seq.turnMs);
            rmSync(runDir, { recursive: true, force: true });
          }
        }
      } finally {
        await server.close();
        await codexEnv.cleanup();
        rmSync(workdir, { recursive: true, force: true });
      }
      return report(scenario, samples, sequential, reps, options);
    },
  };
}

export const fanout = fanoutBenchmark({
  name: "fanout",
  title: "1. Fan-out overhead (32 real codex tasks, concurrency 8, model 300 ms)",
  modelDelayMs: 300,
  prefix: "Benchmark",
  sequential: false,
});

export const fanoutShort = fanoutBenchmark({
  name: "fanout-short",
  title: "1b. Short-turn fan-out (32 real codex tasks, concurrency 8, model answers at once)",
  modelDelayMs: 0,
  prefix: "Short",
  sequential: true,
});

function report(
  scenario: Scenario,
  samples: Record<Variant, FanoutSample[]>,
  sequential: Record<Transport, number[]>,
  reps: number,
  options: BenchOptions,
): BenchReport {
  const wall = (v: Variant) => median(samples[v].map((s) => s.wallMs));
  const fleet = (v: Variant) => median(samples[v].map((s) => s.fleetPeakMb ?? Number.NaN));
  const base = wall("xargs");
  const rows: string[][] = [];
  for (const variant of VARIANTS) {
    const list = samples[variant];
    if (list.length === 0) continue;
    const walls = list.map((s) => s.wallMs);
    rows.push([
      LABELS[variant],
      fmt(wall(variant), "ms"),
      `${fmt(Math.min(...walls), "ms")} – ${fmt(Math.max(...walls), "ms")}`,
      `${(wall(variant) / base).toFixed(3)}×`,
      fmt(median(list.map((s) => s.cpuWindowMs)), "ms"),
      fmt(median(list.map((s) => s.peakRssMb ?? Number.NaN)), "MB"),
      fmt(fleet(variant), "MB"),
    ]);
  }
  const sdkText =
    samples.sdk.length > 0
      ? `${fmt(wall("sdk"), "ms")} (${(wall("sdk") / base).toFixed(3)}×)`
      : `not measured (${SDK_SETUP})`;
  const what = `${TASKS} tasks, concurrency ${CONCURRENCY}, model ${scenario.modelDelayMs} ms`;
  const app = wall("baton-app");
  const exec = wall("baton");
  const targets: Target[] = [
    {
      what: `Fan-out (${what}), codex-exec — wall`,
      value: `${fmt(exec, "ms")} (${(exec / base).toFixed(3)}× xargs)`,
      baseline: `xargs -P8 setsid: ${fmt(base, "ms")}; codex-sdk: ${sdkText}`,
      ...(scenario.sequential ? {} : { target: "≤ 1.05× xargs", met: exec / base <= 1.05 }),
    },
    {
      what: `Fan-out (${what}), codex-app — wall`,
      value: `${fmt(app, "ms")} (${(app / base).toFixed(3)}× xargs)`,
      baseline: `xargs -P8 setsid: ${fmt(base, "ms")}; codex-exec: ${fmt(exec, "ms")}`,
      ...(scenario.sequential ? { target: "≤ 0.5× xargs", met: app / base <= 0.5 } : {}),
    },
    {
      what: `Fan-out (${what}) — peak RSS of the worker fleet, codex-app`,
      value: `${fmt(fleet("baton-app"), "MB")} (${(fleet("baton-app") / fleet("baton")).toFixed(3)}× codex-exec)`,
      baseline: `codex-exec (${CONCURRENCY} \`codex exec\` at a time): ${fmt(fleet("baton"), "MB")}; xargs: ${fmt(fleet("xargs"), "MB")}`,
      target: "≤ 1/3 of codex-exec",
      met: fleet("baton-app") <= fleet("baton") / 3,
    },
  ];
  const tables = [
    {
      title: `Fan-out: ${what}, medians of ${reps}`,
      headers: [
        "runner",
        "wall",
        "range",
        "vs baseline",
        "orchestrator CPU",
        "orchestrator peak RSS",
        "fleet peak RSS",
      ],
      rows,
    },
  ];
  if (scenario.sequential) {
    const per = (t: Transport) => median(sequential[t]);
    targets.push({
      what: "One short turn at a time (fresh agent, model answers at once) — orchestration + codex per turn, codex-app",
      value: fmt(per("app"), "ms"),
      baseline: `codex-exec: ${fmt(per("exec"), "ms")}`,
      target: "≤ 100 ms",
      met: per("app") <= 100,
    });
    tables.push({
      title: `One turn at a time: ${SEQUENTIAL_TURNS} fresh agents after one warm-up turn, × ${reps} repetitions`,
      headers: ["transport", "median per turn", "min", "max"],
      rows: (["exec", "app"] as const).map((t) => [
        `codex-${t}`,
        fmt(per(t), "ms"),
        fmt(Math.min(...sequential[t]), "ms"),
        fmt(Math.max(...sequential[t]), "ms"),
      ]),
    });
  }
  return {
    config: {
      tasks: TASKS,
      concurrency: CONCURRENCY,
      modelDelayMs: scenario.modelDelayMs,
      sequentialTurns: scenario.sequential ? SEQUENTIAL_TURNS : 0,
      reps,
      quick: options.quick,
    },
    baseline:
      `the same ${TASKS} \`codex exec --json\` commands (the argv baton's codex-exec backend builds) run by \`xargs -P8\`, each under ` +
      "`setsid` as baton runs its workers (with the kernel's autogroup scheduling a session is a unit of CPU share, so on a " +
      "busy machine this alone moves the wall time; the shared-session row shows by how much), output discarded. codex 0.169 " +
      `talks to baton's scripted model server on 127.0.0.1, which answers every request after ${scenario.modelDelayMs} ms. ` +
      "The runners take turns within each repetition; ratios are of median wall times. The fleet is every process " +
      "the runner started (codex and what codex started; baton's sidecar reaper not counted), sampled every 50 ms.",
    tables,
    targets,
    notes: [],
    data: { samples, sequential },
  };
}
