// The cost of the journal's fsync policy (docs/formats.md, "fsync policy"): appends of a typical
// line with and without fsync, and a whole run's record as the policy writes it.
//   node bench/journal-fsync.ts [lines]      (default 2000; the directory is $BENCH_DIR or the OS temp dir)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Journal } from "../src/store/journal.ts";
import { appendPrivateFile } from "../src/store/private-fs.ts";

const lines = Number(process.argv[2] ?? 2000);
const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), "baton-fsync-"));
const usage = { inputTokens: 1200, cachedInputTokens: 0, outputTokens: 300, reasoningTokens: 0 };
const line = `${JSON.stringify({ v: 1, seq: 1, at: new Date().toISOString(), type: "turn.ended", agentId: "agent-12", turn: 1, status: "completed", endReason: "completed", usage })}\n`;

function perLineUs(flush: boolean): number {
  const file = join(dir, `raw-${flush}.jsonl`);
  const started = process.hrtime.bigint();
  for (let i = 0; i < lines; i++) appendPrivateFile(file, line, flush);
  return Number(process.hrtime.bigint() - started) / 1e3 / lines;
}

/** A run of `agents` one-turn workers as the journal writes it: spawned, started, ended (fsync'd), closed. */
function runMs(agents: number): number {
  const j = new Journal(join(dir, `run-${agents}.jsonl`));
  const started = process.hrtime.bigint();
  j.append({ type: "run.started", runId: "r", task: "t", pattern: "review", cwd: "/", options: {} });
  for (let i = 1; i <= agents; i++) {
    const agentId = `agent-${i}`;
    j.append({ type: "agent.spawned", agentId, label: "l", role: "reviewer", backend: "codex" });
    j.append({ type: "turn.started", agentId, turn: 1, pid: 1 });
    j.append({ type: "turn.ended", agentId, turn: 1, status: "completed", endReason: "completed", usage });
    j.append({ type: "agent.closed", agentId, previousStatus: "completed" });
  }
  j.append({ type: "run.ended", status: "completed", exitCode: 0 });
  return Number(process.hrtime.bigint() - started) / 1e6;
}

try {
  const plain = perLineUs(false);
  const synced = perLineUs(true);
  process.stdout.write(
    `journal append, ${lines} lines in ${dir}:\n` +
      `  without fsync  ${plain.toFixed(1)} µs/line\n` +
      `  with fsync     ${synced.toFixed(1)} µs/line\n` +
      `a run's journal as the policy writes it (fsync on run.started, turn.ended, run.ended):\n` +
      `  10 agents   ${runMs(10).toFixed(1)} ms\n  100 agents  ${runMs(100).toFixed(1)} ms\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
