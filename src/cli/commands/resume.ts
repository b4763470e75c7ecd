import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { BatonError } from "../../errors.ts";
import type { RunOptions } from "../../run/options.ts";
import { Replay } from "../../run/replay.ts";
import { runDir } from "../../store/paths.ts";
import { readRun } from "../../store/runs.ts";
import { executeRun } from "./run.ts";

export function registerResume(program: Command): void {
  program
    .command("resume")
    .summary("continue a run whose baton process was killed")
    .description(
      `Continues a killed run in its own record: workers that had completed are not run again (their
results come from the record), workers that were cut off are run again, and the run ends with the
same result shape as an uninterrupted one. Workers left behind by the killed process were already
reaped when this command started.`,
    )
    .argument("<run-id>", "the run to continue (see `baton status`: it shows abandoned runs)")
    .option("--json", "print one JSON object with the whole run at the end")
    .option("--rehearse", "continue against the scripted model (as for baton run --rehearse)")
    .option("--script <file>", "the model script for --rehearse")
    .addHelpText(
      "after",
      "\nExample:\n  $ baton status            # … 20261122-071502-a3f9  abandoned …\n  $ baton resume 20261122-071502-a3f9",
    )
    .action(async (runId: string, flags: { json?: boolean; rehearse?: boolean; script?: string }) => {
      const { view, stale } = readRun(runId);
      if (view.status !== "running") {
        process.stdout.write(
          `run ${runId} already ended (${view.status}); nothing to resume — see baton report ${runId}\n`,
        );
        return;
      }
      if (!stale) {
        const owner = JSON.parse(readFileSync(join(runDir(runId), "owner.json"), "utf8")) as { pid: number };
        throw new BatonError(
          "E_BUSY",
          `run ${runId} is still running in process ${owner.pid}; stop it with baton cancel ${runId} first`,
          { runId },
        );
      }
      const started = Replay.load(runDir(runId)).started;
      if (started.pattern === "map") {
        process.exitCode = await (await import("./map.ts")).resumeMap(runId, flags);
        return;
      }
      // Everything the run was started with comes back from the record (see recordedOptions in run.ts).
      const options: Omit<RunOptions, "backends"> = {
        ...(started.options as Partial<RunOptions>),
        task: started.task,
        pattern: started.pattern as RunOptions["pattern"],
        cwd: started.cwd,
        resumeRunId: runId,
      };
      process.exitCode = await executeRun(options, flags);
    });
}
