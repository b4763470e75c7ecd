import { join } from "node:path";
import type { Command } from "commander";
import { terminateTree } from "../../core/process/kill.ts";
import { BatonError } from "../../errors.ts";
import { type AttachPlan, planAttach, turnInProgress } from "../../run/attach.ts";
import { readJournal } from "../../store/journal.ts";
import { runDir } from "../../store/paths.ts";
import { EXIT } from "../exit-codes.ts";
import { cliSupervisor } from "../supervisor.ts";
import type { RegisterCommand } from "./register.ts";

const STOP_GRACE_MS = 2_000;
const STOP_WAIT_MS = 10_000;

/** Stops the agent's running turn (its whole process tree) and waits until its run records it. */
async function stopAgent(plan: AttachPlan): Promise<void> {
  if (plan.sharedServer)
    throw new BatonError(
      "E_USAGE",
      `${plan.agentId} is a thread of run ${plan.runId}'s codex app-server, which its other agents share: ` +
        `--stop cannot stop one thread from outside. Wait until it is idle (baton status ${plan.runId}), ` +
        `or stop the run (baton cancel ${plan.runId}) and attach then`,
    );
  if (plan.pid === undefined)
    throw new BatonError("E_BUSY", `${plan.agentId} is running but its record names no process to stop`);
  await terminateTree(plan.pid, { graceMs: STOP_GRACE_MS });
  const journal = join(runDir(plan.runId), "journal.jsonl");
  const deadline = Date.now() + STOP_WAIT_MS;
  while (Date.now() < deadline) {
    if (!turnInProgress(readJournal(journal).entries, plan.agentId).running) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new BatonError(
    "E_TIMEOUT",
    `${plan.agentId}'s process was stopped, but run ${plan.runId} has not recorded the end of its turn ` +
      `within ${STOP_WAIT_MS / 1000} s; try again in a moment`,
  );
}

function commandLine(plan: AttachPlan): string {
  return `cd ${JSON.stringify(plan.cwd)} && ${[plan.file, ...plan.args].map((a) => JSON.stringify(a)).join(" ")}`;
}

export const registerAttach: RegisterCommand = (program: Command) => {
  program
    .command("attach")
    .summary("continue a worker's conversation yourself (codex resume / claude --resume)")
    .description(
      "Hands one agent of a run to you: starts `codex resume <thread>` (or `claude --resume <session>`) in the " +
        "agent's working directory, in this terminal, with your own codex / claude (PATH first). Refuses while " +
        "the agent is still running, unless --stop, which stops its current turn first.",
    )
    .argument("<run-id>", "the run (see `baton status`)")
    .argument("<agent>", "the agent id, e.g. agent-2 (see `baton status <run-id>`)")
    .option(
      "--stop",
      "stop the agent's running turn first (its whole process tree; not for codex-app agents, which share one server)",
    )
    .option("--print", "print the command instead of running it")
    .option("--json", "with --print: one JSON object {runId, agentId, backend, threadId, cwd, command}")
    .addHelpText(
      "after",
      "\nExamples:\n  $ baton attach 20261201-101500-ab12 agent-2\n  $ baton attach 20261201-101500-ab12 agent-2 --stop\n" +
        "  $ baton attach 20261201-101500-ab12 agent-2 --print",
    )
    .action(
      async (runId: string, agentId: string, flags: { stop?: boolean; print?: boolean; json?: boolean }) => {
        const plan = planAttach(runId, agentId);
        if (plan.running && !flags.stop) {
          throw new BatonError(
            "E_BUSY",
            `${agentId} is still running in run ${runId}; wait for it (baton status ${runId}), ` +
              `or stop its turn and attach: baton attach ${runId} ${agentId} --stop`,
            { runId, agentId },
          );
        }
        if (flags.print) {
          process.stdout.write(
            flags.json
              ? `${JSON.stringify({ runId, agentId, backend: plan.backend, threadId: plan.threadId, cwd: plan.cwd, command: [plan.file, ...plan.args] })}\n`
              : `${commandLine(plan)}\n`,
          );
          return;
        }
        if (plan.running) await stopAgent(plan);
        process.stderr.write(
          `baton: attaching to ${agentId} (${plan.backend} ${plan.threadId}) in ${plan.cwd}\n`,
        );
        // Supervised like every child: tagged, and killed with what it started if baton is stopped.
        const supervisor = cliSupervisor();
        const child = supervisor.spawn({
          file: plan.file,
          args: plan.args,
          cwd: plan.cwd,
          tag: `${supervisor.scope()}:attach:${agentId}`,
          terminal: true,
        });
        // The terminal is the child's now: its Ctrl-C is for the agent CLI (which reads it), not for baton.
        const ignore = () => {};
        for (const sig of ["SIGINT", "SIGQUIT"] as const) process.on(sig, ignore);
        const exit = await child.done.finally(() => {
          for (const sig of ["SIGINT", "SIGQUIT"] as const) process.off(sig, ignore);
        });
        if (exit.startError) throw new BatonError("E_BACKEND", exit.startError);
        process.exitCode = exit.exitCode ?? (exit.signal ? EXIT.interrupted : EXIT.failed);
      },
    );
};
