import type { Command } from "commander";
import { listRunIds, readRun } from "../../store/runs.ts";
import { formatTokens } from "../../ui/render.ts";
import { formatDurationMs } from "../../util/duration.ts";
import { jsonOf } from "./run.ts";

export function registerStatus(program: Command): void {
  program
    .command("status")
    .summary("show runs, or one run in detail")
    .description("Without a run id: every recorded run, newest last. With one: its plan and workers.")
    .argument("[run-id]", "a run id (see `baton status`)")
    .option("--json", "print JSON")
    .addHelpText("after", "\nExamples:\n  $ baton status\n  $ baton status 20261122-071502-a3f9 --json")
    .action((runId: string | undefined, flags: { json?: boolean }) => {
      if (runId) return showOne(runId, flags.json === true);
      const runs = listRunIds().map((id) => readRun(id));
      if (flags.json) {
        process.stdout.write(
          `${JSON.stringify(runs.map(({ view, stale }) => ({ runId: view.runId, status: stale ? "abandoned" : view.status, pattern: view.pattern, task: view.task, startedAt: view.startedAt })))}\n`,
        );
        return;
      }
      if (runs.length === 0) process.stdout.write('No runs yet. Start one with: baton run "<task>"\n');
      for (const { view, stale } of runs) {
        const status = stale ? "abandoned" : view.status;
        process.stdout.write(
          `${view.runId}  ${status.padEnd(10)} ${view.pattern.padEnd(10)} ${view.task.slice(0, 60)}\n`,
        );
      }
    });
}

function showOne(runId: string, json: boolean): void {
  const { view, stale } = readRun(runId);
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ ...jsonOf(view), status: stale ? "abandoned" : view.status })}\n`,
    );
    return;
  }
  const out: string[] = [];
  const end = view.endedAt ?? Date.now();
  out.push(
    `run ${view.runId} · ${view.pattern} · ${stale ? "abandoned (its baton process is gone; see baton resume)" : view.status} · ${formatDurationMs(end - view.startedAt)}`,
  );
  out.push(`task: ${view.task}`);
  for (const s of view.plan?.plan ?? [])
    out.push(`  [${s.status === "completed" ? "x" : s.status === "in_progress" ? "~" : " "}] ${s.step}`);
  for (const a of view.agents) {
    out.push(
      `  ${a.id.padEnd(9)} ${a.role.padEnd(11)} ${a.label.slice(0, 30).padEnd(30)} ${(a.endReason ?? a.status).padEnd(10)} ${formatTokens(a.usage.inputTokens + a.usage.outputTokens)} tok${a.error && a.endReason !== "completed" ? `  ${a.error}` : ""}`,
    );
  }
  process.stdout.write(`${out.join("\n")}\n`);
}
