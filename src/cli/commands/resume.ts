import { resolve } from "node:path";
import type { Command } from "commander";
import { BatonError } from "../../errors.ts";
import { type LaunchOptions, type RunOptions, startedRunOptions } from "../../run/options.ts";
import { Replay } from "../../run/replay.ts";
import { readOwner } from "../../store/lock.ts";
import { runDir } from "../../store/paths.ts";
import { readRun } from "../../store/runs.ts";
import { executeRun } from "./run.ts";

export function registerResume(program: Command): void {
  program
    .command("resume")
    .summary("continue a run whose baton process was killed")
    .description(
      `Continues a killed run in its own record, made the way it was started (backend, --command,
--pty, rehearsal and its script, workers, concurrency, deadlines, writers): workers that had completed
are not run again (their results come from the record), workers that were cut off are run again, and
the run ends with the same result shape as an uninterrupted one. A rehearsal resumes on its scripted
model, never on a real one. A run that stopped because its record could not be written (disk full)
can be resumed once the disk has room.

One process owns a run at a time: a resume of a run another baton owns exits 2 naming that process.
Workers left behind by the killed process were already reaped when this command started.`,
    )
    .argument("<run-id>", "the run to continue (see `baton status`: it shows abandoned runs)")
    .option("--json", "print one JSON object with the whole run at the end")
    .option("--rehearse", "only for runs recorded before baton 0.1 kept the rehearsal in the record")
    .option("--script <file>", "with --rehearse: the model script of such an old rehearsal")
    .addHelpText(
      "after",
      "\nExample:\n  $ baton status            # … 20261122-071502-a3f9  abandoned …\n  $ baton resume 20261122-071502-a3f9",
    )
    .action(async (runId: string, flags: { json?: boolean; rehearse?: boolean; script?: string }) => {
      const { view, stale } = readRun(runId);
      const replay = Replay.load(runDir(runId));
      if (replay.started.pattern === "map") {
        process.exitCode = await (await import("./map.ts")).resumeMap(runId, flags);
        return;
      }
      // The journal decides, not run.json: a kill between the last snapshot and `run.ended` leaves a
      // snapshot that says the run ended; resuming it replays every worker and writes the end line.
      if (replay.ended && !replay.ended.resumable) {
        process.stdout.write(
          `run ${runId} already ended (${replay.ended.status}); nothing to resume — see baton report ${runId}\n`,
        );
        return;
      }
      if (view.status === "running" && !stale) {
        const owner = readOwner(runDir(runId));
        throw new BatonError(
          "E_BUSY",
          `run ${runId} is still running in baton process ${owner?.pid ?? "?"}${owner?.since ? ` (since ${owner.since})` : ""}; wait for it, or stop it with baton cancel ${runId}`,
          { runId },
        );
      }
      // Everything the run was started with comes back from the record, through the options' schema.
      const recorded = startedRunOptions(replay.started);
      const launch = launchFor(runId, recorded.launch, flags);
      const options: Omit<RunOptions, "backends"> = { ...recorded, resumeRunId: runId };
      process.exitCode = await executeRun(options, { ...launch, json: flags.json });
    });
}

/** The recorded launch; flags only fill in for records made before it was recorded. */
function launchFor(
  runId: string,
  recorded: LaunchOptions | undefined,
  flags: { rehearse?: boolean; script?: string },
): LaunchOptions {
  if (!recorded) return { backend: "codex", rehearse: flags.rehearse, script: flags.script };
  if ((flags.rehearse || flags.script) && !recorded.rehearse)
    throw new BatonError(
      "E_USAGE",
      `run ${runId} was not a rehearsal (it ran on ${recorded.backend}); resume it without --rehearse/--script`,
      { runId },
    );
  if (flags.script && resolve(flags.script) !== recorded.script)
    throw new BatonError(
      "E_USAGE",
      `run ${runId} was rehearsed with ${recorded.script ?? "the built-in script"}; it resumes with the same one (drop --script)`,
      { runId },
    );
  return recorded;
}
