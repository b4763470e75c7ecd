import { resolve } from "node:path";
import type { Command } from "commander";
import { BatonError } from "../../errors.ts";
import { renderReport } from "../../run/report.ts";
import { writeFileAtomic } from "../../store/atomic.ts";
import { latestRunId, readRun } from "../../store/runs.ts";
import { renderHtmlReport } from "../../ui/report-html/page.ts";
import { loadRunRecord } from "../../ui/report-html/record.ts";

export function registerReport(program: Command): void {
  program
    .command("report")
    .summary("print a readable report of a run (Markdown, or one HTML file with a timeline)")
    .description(
      "Print a run's report as Markdown: result, next step, merged findings, plan, per-worker durations and a text timeline. With --html: one self-contained HTML file (no network, no external assets) with a timeline lane per agent, a sortable findings table and each agent's prompt, final message and usage, readable offline and attachable to a pull request. For a live view of a running run, use baton ui.",
    )
    .argument("[run-id]", "a run id (default: the newest run)")
    .option("--html", "write HTML instead of Markdown")
    .option("-o, --output <file>", "write the report to this file instead of stdout")
    .addHelpText(
      "after",
      "\nExamples:\n  $ baton report\n  $ baton report 20261122-071502-a3f9 > review.md\n  $ baton report --html -o run.html     # open run.html in any browser",
    )
    .action((runId: string | undefined, flags: { html?: boolean; output?: string }) => {
      const id = runId ?? latestRunId();
      const text = flags.html ? renderHtmlReport(loadRunRecord(id)) : renderReport(readRun(id).view);
      if (!flags.output) {
        process.stdout.write(text);
        return;
      }
      const file = resolve(flags.output);
      try {
        writeFileAtomic(file, text);
      } catch (error) {
        throw new BatonError(
          "E_IO",
          `cannot write the report to ${file}: ${(error as Error).message}; choose another --output`,
          { runId: id, file },
        );
      }
      process.stderr.write(`wrote ${file}\n`);
    });
}
