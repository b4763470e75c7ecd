import type { Command } from "commander";
import { listRunIds, readRun } from "../../store/runs.ts";
import { formatTokens } from "../../ui/render.ts";
import { formatDurationMs } from "../../util/duration.ts";
import { jsonOf } from "../run-terminal.ts";

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
      // One damaged record must not hide the others: it is listed as damaged, with the reason.
      const runs = listRunIds().map((id) => {
        try {
          return { id, ...readRun(id) };
        } catch (error) {
          return { id, damaged: error instanceof Error ? error.message : String(error) };
        }
      });
      if (flags.json) {
        process.stdout.write(
          `${JSON.stringify(
            runs.map((r) =>
              "damaged" in r
                ? { runId: r.id, status: "damaged", error: r.damaged }
                : {
                    runId: r.view.runId,
                    status: r.stale ? "abandoned" : r.view.status,
                    pattern: r.view.pattern,
                    task: r.view.task,
                    startedAt: r.view.startedAt,
                    ...(r.rebuilt ? { note: r.rebuilt } : {}),
                  },
            ),
          )}\n`,
        );
        return;
      }
      if (runs.length === 0) process.stdout.write('No runs yet. Start one with: baton run "<task>"\n');
      for (const r of runs) {
        if ("damaged" in r) {
          process.stdout.write(`${r.id}  ${"damaged".padEnd(10)} ${r.damaged}\n`);
          continue;
        }
        const status = r.stale ? "abandoned" : r.view.status;
        process.stdout.write(
          `${r.view.runId}  ${status.padEnd(10)} ${r.view.pattern.padEnd(10)} ${r.view.task.slice(0, 60)}${r.rebuilt ? "  (snapshot rebuilt from the journal)" : ""}\n`,
        );
      }
    });
}

function showOne(runId: string, json: boolean): void {
  const { view, stale, rebuilt } = readRun(runId);
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
  if (rebuilt) out.push(`note: ${rebuilt}`);
  for (const s of view.plan?.plan ?? [])
    out.push(`  [${s.status === "completed" ? "x" : s.status === "in_progress" ? "~" : " "}] ${s.step}`);
  for (const a of view.agents) {
    out.push(
      `  ${a.id.padEnd(9)} ${a.role.padEnd(11)} ${a.label.slice(0, 30).padEnd(30)} ${(a.endReason ?? a.status).padEnd(10)} ${formatTokens(a.usage.inputTokens + a.usage.outputTokens)} tok${a.error && a.endReason !== "completed" ? `  ${a.error}` : ""}`,
    );
  }
  process.stdout.write(`${out.join("\n")}\n`);
}
