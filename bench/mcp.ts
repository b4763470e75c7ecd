import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { Benchmark, BenchOptions, BenchReport } from "./lib/report.ts";
import { fmt, type Summary, summarize } from "./lib/stats.ts";
import { codexTurnArgs, NOOP_CODEX, plainRun } from "./lib/workers.ts";

const MAIN = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));
const WARMUP = 10;

interface RoundTrip {
  spawnMs: number;
  waitMs: number;
  closeMs: number;
  totalMs: number;
}

function structured<T>(result: unknown): T {
  const r = result as { structuredContent?: T; isError?: boolean; content?: unknown };
  if (r.isError || !r.structuredContent) throw new Error(`tool error: ${JSON.stringify(r.content)}`);
  return r.structuredContent;
}

async function roundTrip(client: Client, i: number): Promise<RoundTrip> {
  const t0 = performance.now();
  const { agent_id: id } = structured<{ agent_id: string }>(
    await client.callTool({ name: "spawn_agent", arguments: { message: `no-op task ${i}` } }),
  );
  const t1 = performance.now();
  let waited = structured<{ timed_out: boolean; status: Record<string, Record<string, unknown>> }>(
    await client.callTool({ name: "wait", arguments: { ids: [id], timeout_ms: 30_000 } }),
  );
  while (waited.timed_out) {
    waited = structured(
      await client.callTool({ name: "wait", arguments: { ids: [id], timeout_ms: 30_000 } }),
    );
  }
  if (!("completed" in (waited.status[id] ?? {})))
    throw new Error(`agent ${id}: ${JSON.stringify(waited.status)}`);
  const t2 = performance.now();
  structured(await client.callTool({ name: "close_agent", arguments: { id } }));
  const t3 = performance.now();
  return { spawnMs: t1 - t0, waitMs: t2 - t1, closeMs: t3 - t2, totalMs: t3 - t0 };
}

function peakRssMb(pid: number | null): number {
  if (!pid) return Number.NaN;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? (Number(m[1]) * 1024) / 1e6 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

export const mcp: Benchmark = {
  name: "mcp",
  title: "5. MCP round trip (spawn_agent → wait → close_agent through `baton mcp`)",
  async run(options) {
    const n = options.quick ? 50 : 200;
    const dir = mkdtempSync(join(tmpdir(), "baton-bench-mcp-"));
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [MAIN, "mcp", "--concurrency", "16"],
      cwd: dir,
      env: { ...(process.env as Record<string, string>), BATON_CODEX_BIN: NOOP_CODEX },
      stderr: "ignore",
    });
    const client = new Client({ name: "baton-bench", version: "0.0.0" });
    try {
      await client.connect(transport);
      for (let i = 0; i < WARMUP; i++) await roundTrip(client, -i);
      const trips: RoundTrip[] = [];
      const pings: number[] = [];
      const plain: number[] = [];
      // Interleaved, so that every figure sees the same moments of the machine.
      for (let i = 0; i < n; i++) {
        trips.push(await roundTrip(client, i));
        const p0 = performance.now();
        await client.ping();
        pings.push(performance.now() - p0);
        const w0 = performance.now();
        await plainRun(NOOP_CODEX, codexTurnArgs(`no-op task ${i}`, dir));
        plain.push(performance.now() - w0);
      }
      const serverRssMb = peakRssMb(transport.pid);
      options.log(`mcp: ${n} round trips, p50 ${fmt(summarize(trips.map((t) => t.totalMs)).p50, "ms")}`);
      return report({ trips, pings, plain, serverRssMb, n }, options);
    } finally {
      await client.close().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

function report(
  r: { trips: RoundTrip[]; pings: number[]; plain: number[]; serverRssMb: number; n: number },
  options: BenchOptions,
): BenchReport {
  const rows: string[][] = [];
  const row = (what: string, s: Summary) =>
    rows.push([what, fmt(s.p50, "ms"), fmt(s.p90, "ms"), fmt(s.p99, "ms"), fmt(s.max, "ms")]);
  const total = summarize(r.trips.map((t) => t.totalMs));
  const plain = summarize(r.plain);
  const ping = summarize(r.pings);
  row("baton mcp: spawn_agent → wait → close_agent", total);
  row("  of which spawn_agent", summarize(r.trips.map((t) => t.spawnMs)));
  row("  of which wait (until the worker finished)", summarize(r.trips.map((t) => t.waitMs)));
  row("  of which close_agent", summarize(r.trips.map((t) => t.closeMs)));
  row("baseline: the worker alone (plain spawn → 'close')", plain);
  row("baseline: one MCP ping round trip", ping);
  const floor = plain.p50 + 3 * ping.p50;
  return {
    config: {
      n: r.n,
      warmup: WARMUP,
      server: "baton mcp --concurrency 16",
      worker: "bench/lib/noop-codex.sh via BATON_CODEX_BIN",
      quick: options.quick,
    },
    baseline:
      "the same no-op worker run from the client process with plain `child_process.spawn` (what the round trip cannot avoid), " +
      "and an MCP `ping` round trip over the same stdio connection (the protocol's own cost per call). Samples of all three are " +
      "interleaved, one after the other.",
    tables: [
      {
        title: `MCP round trip, ${r.n} sequential agents (after ${WARMUP} warm-up)`,
        headers: ["measured", "p50", "p90", "p99", "max"],
        rows,
      },
    ],
    targets: [
      {
        what: "MCP: spawn_agent → wait → close_agent through `baton mcp`, no-op worker (p50 / p99)",
        value: `${fmt(total.p50, "ms")} / ${fmt(total.p99, "ms")}`,
        baseline: `worker alone ${fmt(plain.p50, "ms")} / ${fmt(plain.p99, "ms")}; MCP ping ${fmt(ping.p50, "ms")} / ${fmt(ping.p99, "ms")}`,
      },
    ],
    notes: [
      `Overhead over worker + 3 protocol round trips (p50): ${fmt(total.p50 - floor, "ms")} ` +
        `(${fmt(total.p50, "ms")} − ${fmt(plain.p50, "ms")} − 3 × ${fmt(ping.p50, "ms")}).`,
      `Peak RSS of the \`baton mcp\` process after ${r.n + WARMUP} agents: ${fmt(r.serverRssMb, "MB")}.`,
    ],
    data: r,
  };
}
