import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseModelScript, startModelServer } from "../src/model-server/index.ts";
import { makeCodexTestEnv } from "../test/helpers/codex-home.ts";
import { inChild } from "./lib/child.ts";
import type { Benchmark, BenchOptions, BenchReport, Target } from "./lib/report.ts";
import { fmt, median } from "./lib/stats.ts";
import { codexTurnArgs, runLimited } from "./lib/workers.ts";
import { loadSdk, SDK_SETUP, sdkInstalled } from "./sdk/load.ts";

const SELF = fileURLToPath(import.meta.url);
const TASKS = 32;
const CONCURRENCY = 8;
const MODEL_DELAY_MS = 300;

interface FanoutInput {
  codexBin: string;
  env: NodeJS.ProcessEnv;
  workdir: string;
  runDir: string;
  tasks: number;
  concurrency: number;
}

interface FanoutSample {
  wallMs: number;
  /** CPU of the orchestrating process over the measured window (not of the codex processes). */
  cpuWindowMs: number;
  completed: number;
}

const prompt = (i: number) => `Benchmark task ${i}: reply with ok.`;

function cpuMs(since: NodeJS.CpuUsage): number {
  const cpu = process.cpuUsage(since);
  return (cpu.user + cpu.system) / 1000;
}

/** Child: baton's Pool with the codex backend and the run record (journal, per-agent events, prompts, answers). */
export async function measureBaton(input: FanoutInput): Promise<FanoutSample> {
  const { Pool } = await import("../src/core/pool.ts");
  const { codexBackend } = await import("../src/backends/codex/backend.ts");
  const { RunRecorder } = await import("../src/run/recorder.ts");
  const recorder = new RunRecorder(input.runDir);
  const pool = new Pool({
    backends: codexBackend({ codexPath: input.codexBin, env: input.env }),
    concurrency: input.concurrency,
    cwd: input.workdir,
    scratchDir: recorder.agentDir("."),
    onEvent: recorder.onPoolEvent,
  });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const ids = Array.from({ length: input.tasks }, (_, i) => pool.spawn({ message: prompt(i) }));
  const result = await pool.wait(ids);
  const wallMs = performance.now() - t0;
  const cpuWindowMs = cpuMs(cpu0);
  await pool.shutdown();
  await recorder.close();
  const completed = Object.values(result.status).filter((s) => "completed" in s).length;
  return { wallMs, cpuWindowMs, completed };
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
    return (await thread.run(prompt(i))).finalResponse;
  });
  return {
    wallMs: performance.now() - t0,
    cpuWindowMs: cpuMs(cpu0),
    completed: answers.filter((a) => a !== "").length,
  };
}

/**
 * Parent: `xargs -P8` running the very argv baton's codex backend builds, output to /dev/null. With
 * `setsid`, every command gets its own session as baton's workers do (see plainRun on autogroups).
 */
function measureXargs(input: FanoutInput, setsid: boolean): Promise<FanoutSample> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const command = [...(setsid ? ["setsid"] : []), input.codexBin, ...codexTurnArgs("{}", input.workdir)];
    const xargsArgs = ["-d", "\\n", "-P", String(input.concurrency), "-I", "{}", ...command];
    const child = spawn("xargs", xargsArgs, { env: input.env, stdio: ["pipe", "ignore", "ignore"] });
    child.on("error", reject);
    child.on("close", (code) => {
      const wallMs = performance.now() - t0;
      // xargs exits 123 if any command failed.
      resolve({ wallMs, cpuWindowMs: Number.NaN, completed: code === 0 ? input.tasks : 0 });
    });
    child.stdin.end(`${Array.from({ length: input.tasks }, (_, i) => prompt(i)).join("\n")}\n`);
  });
}

type Variant = "xargs" | "xargs-shared" | "sdk" | "baton";
const VARIANTS: Variant[] = ["xargs", "xargs-shared", "sdk", "baton"];
const LABELS: Record<Variant, string> = {
  xargs: "baseline: `xargs -P8 setsid codex exec …` (a session per command, like baton)",
  "xargs-shared": "`xargs -P8 codex exec …` (all commands in xargs's session)",
  sdk: "@openai/codex-sdk threads, Promise.all, limit 8 (caller's session)",
  baton: "baton Pool + run record (a session per worker)",
};

export const fanout: Benchmark = {
  name: "fanout",
  title: "1. Fan-out overhead (32 real `codex exec` tasks, concurrency 8)",
  async run(options) {
    const codexBin = fileURLToPath(new URL("../node_modules/.bin/codex", import.meta.url));
    if (!existsSync(codexBin))
      throw new Error(`${codexBin} not found: run npm install (the codex CLI is a devDependency)`);
    const server = await startModelServer({
      script: parseModelScript({ default: { reply: "ok", delayMs: MODEL_DELAY_MS } }),
      port: 0,
    });
    const codexEnv = await makeCodexTestEnv({ baseUrl: server.url });
    const workdir = mkdtempSync(join(tmpdir(), "baton-bench-fanout-"));
    const reps = options.quick ? 2 : 5;
    const variants = VARIANTS.filter((v) => v !== "sdk" || sdkInstalled());
    if (!variants.includes("sdk"))
      options.log(`fan-out: @openai/codex-sdk not installed, its row is skipped (${SDK_SETUP})`);
    const samples: Record<Variant, (FanoutSample & { peakRssMb?: number })[]> = {
      xargs: [],
      "xargs-shared": [],
      sdk: [],
      baton: [],
    };
    try {
      const input = (runDir: string): FanoutInput => ({
        codexBin,
        env: codexEnv.env,
        workdir,
        runDir,
        tasks: TASKS,
        concurrency: CONCURRENCY,
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
                  input(runDir),
                  {
                    cpuProfDir: variant === "baton" ? options.cpuProfDir : undefined,
                    profileName: `fanout-${variant}-${rep}`,
                  },
                );
          const requests = server.requests.length - before;
          if (sample.completed !== TASKS || requests < TASKS) {
            throw new Error(
              `fan-out ${variant}: ${sample.completed}/${TASKS} completed, ${requests} model requests`,
            );
          }
          samples[variant].push(sample);
          options.log(`fan-out rep ${rep + 1}/${reps} ${variant}: ${fmt(sample.wallMs, "ms")}`);
          rmSync(runDir, { recursive: true, force: true });
        }
      }
    } finally {
      await server.close();
      await codexEnv.cleanup();
      rmSync(workdir, { recursive: true, force: true });
    }
    return report(samples, reps, options);
  },
};

function report(
  samples: Record<Variant, (FanoutSample & { peakRssMb?: number })[]>,
  reps: number,
  options: BenchOptions,
): BenchReport {
  const base = median(samples.xargs.map((s) => s.wallMs));
  const rows: string[][] = [];
  const targets: Target[] = [];
  for (const variant of VARIANTS) {
    const list = samples[variant];
    if (list.length === 0) continue;
    const walls = list.map((s) => s.wallMs);
    const wall = median(walls);
    const ratio = wall / base;
    const cpu = median(list.map((s) => s.cpuWindowMs));
    const rss = median(list.map((s) => s.peakRssMb ?? Number.NaN));
    rows.push([
      LABELS[variant],
      fmt(wall, "ms"),
      `${fmt(Math.min(...walls), "ms")} – ${fmt(Math.max(...walls), "ms")}`,
      `${ratio.toFixed(3)}×`,
      fmt(cpu, "ms"),
      fmt(rss, "MB"),
    ]);
  }
  const sdk = median(samples.sdk.map((s) => s.wallMs));
  const sdkText =
    samples.sdk.length > 0
      ? `${fmt(sdk, "ms")} (${(sdk / base).toFixed(3)}×)`
      : `not measured (${SDK_SETUP})`;
  const baton = median(samples.baton.map((s) => s.wallMs));
  targets.push({
    what: `Fan-out: ${TASKS} × \`codex exec\`, concurrency ${CONCURRENCY}, model ${MODEL_DELAY_MS} ms — wall`,
    value: `${fmt(baton, "ms")} (${(baton / base).toFixed(3)}× xargs)`,
    baseline: `xargs -P8 setsid: ${fmt(base, "ms")}; codex-sdk: ${sdkText}`,
    target: "≤ 1.05× xargs",
    met: baton / base <= 1.05,
  });
  return {
    config: {
      tasks: TASKS,
      concurrency: CONCURRENCY,
      modelDelayMs: MODEL_DELAY_MS,
      reps,
      quick: options.quick,
    },
    baseline:
      "the same 32 `codex exec --json` commands (the argv baton's codex backend builds) run by `xargs -P8`, each under " +
      "`setsid` as baton runs its workers (with the kernel's autogroup scheduling a session is a unit of CPU share, so on a " +
      "busy machine this alone moves the wall time; the shared-session row shows by how much), output discarded. codex 0.169 " +
      `talks to baton's scripted model server on 127.0.0.1, which answers every request after ${MODEL_DELAY_MS} ms. ` +
      "The variants take turns within each repetition; ratios are of median wall times.",
    tables: [
      {
        title: `Fan-out: ${TASKS} tasks, concurrency ${CONCURRENCY}, model latency ${MODEL_DELAY_MS} ms, medians of ${reps}`,
        headers: ["runner", "wall", "range", "vs baseline", "orchestrator CPU", "orchestrator peak RSS"],
        rows,
      },
    ],
    targets,
    notes: [],
    data: samples,
  };
}
