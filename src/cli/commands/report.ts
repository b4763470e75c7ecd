import type { Command } from "commander";
import { renderReport } from "../../run/report.ts";
import { latestRunId, readRun } from "../../store/runs.ts";

export function registerReport(program: Command): void {
  program
    .command("report")
    .summary("print a readable Markdown report of a run")
    .argument("[run-id]", "a run id (default: the newest run)")
    .addHelpText("after", "\nExamples:\n  $ baton report\n  $ baton report 20261122-071502-a3f9 > review.md")
    .action((runId: string | undefined) => {
      process.stdout.write(renderReport(readRun(runId ?? latestRunId()).view));
    });
}
