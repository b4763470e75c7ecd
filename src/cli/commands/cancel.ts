import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { ownerAlive } from "../../core/process/owner.ts";
import { BatonError } from "../../errors.ts";
import { readJournal } from "../../store/journal.ts";
import { runDir } from "../../store/paths.ts";
import { readRun } from "../../store/runs.ts";
import { parseDurationMs } from "../../util/duration.ts";

export function registerCancel(program: Command): void {
  program
    .command("cancel")
    .summary("stop a running run from another terminal (partial results are kept)")
    .description(
      "Asks the baton process that owns the run to stop, as Ctrl-C in its terminal would: workers get SIGTERM, then SIGKILL after a grace period; the record says cancelled.",
    )
    .argument("<run-id>", "the run to stop (see `baton status`)")
    .option("--wait <duration>", "how long to wait for the run to end", "30s")
    .action(async (runId: string, flags: { wait: string }) => {
      const { view, stale } = readRun(runId);
      if (view.status !== "running") {
        process.stdout.write(`run ${runId} is not running (status: ${view.status}); nothing to cancel\n`);
        return;
      }
      const owner = JSON.parse(readFileSync(join(runDir(runId), "owner.json"), "utf8")) as {
        pid: number;
        ownerId: string;
      };
      if (stale || !ownerAlive(owner.ownerId)) {
        throw new BatonError(
          "E_NOT_FOUND",
          `run ${runId} has no live baton process (it was killed); its workers were reaped at this start`,
          { runId },
        );
      }
      process.kill(owner.pid, "SIGINT");
      const deadline = Date.now() + parseDurationMs(flags.wait, "--wait");
      const journal = join(runDir(runId), "journal.jsonl");
      while (Date.now() < deadline) {
        if (readJournal(journal).entries.some((e) => e.type === "run.ended")) {
          process.stdout.write(`run ${runId} cancelled\n`);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new BatonError(
        "E_TIMEOUT",
        `run ${runId} did not end within ${flags.wait}; its process is ${owner.pid}`,
        { runId },
      );
    });
}
