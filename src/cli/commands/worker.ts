import { resolve } from "node:path";
import { type Command, Option } from "commander";
import { BACKEND_NAMES, createBackend } from "../../backends/registry.ts";
import { handleSignals } from "../../core/process/signals.ts";
import { BatonError } from "../../errors.ts";
import { parseQueueUrl } from "../../fleet/connection.ts";
import { FleetWorker } from "../../fleet/worker.ts";
import { type Rehearsal, startRehearsal } from "../../rehearsal/rehearsal.ts";
import { parseDurationMs } from "../../util/duration.ts";
import { parseWhole } from "../parse.ts";
import { cliSupervisor, killCliWorkers } from "../supervisor.ts";

interface WorkerFlags {
  queue: string;
  concurrency?: number;
  backend?: string;
  command?: string;
  pty?: boolean;
  rehearse?: boolean;
  script?: string;
  checkout?: string;
  lockDuration?: string;
  name?: string;
}

export function registerWorker(program: Command): void {
  program
    .command("worker")
    .summary("run agent turns for baton map / run --queue on this machine (a fleet on Redis)")
    .description(
      `Connects to the Redis of a fleet and runs the agent turns that \`baton map --queue\` and
\`baton run --queue\` put there, with this machine's backend, the same deadlines, stall watchdog and
whole-tree kills as a local run. Every event goes back to the submitter, which keeps the run record.

Turns run at the submitter's path (shared storage), or with --checkout in this machine's own checkout
of the submitter's repository, at the same commit (read-only tasks; edits stay in this checkout).
A worker that dies has its turns run again elsewhere once its lock expires (--lock-duration). Stop
it with Ctrl-C or SIGTERM: its running turns are killed and handed back to the fleet.

Never expose Redis to a network you do not trust: anyone who can write to it can make workers run
agents (docs/fleet.md). Password: in the URL or $BATON_REDIS_PASSWORD; TLS: rediss://, with
$BATON_REDIS_CA_FILE for a private CA.`,
    )
    .requiredOption("--queue <url>", "the fleet's Redis: redis://HOST:PORT[/DB] or rediss://… for TLS")
    .option(
      "--concurrency <n>",
      "turns at once on this machine (default 4)",
      parseWhole("--concurrency", 1, 256),
    )
    .addOption(
      new Option("--backend <name>", "the worker CLI this machine runs (default codex)").choices(
        BACKEND_NAMES,
      ),
    )
    .option(
      "--command <template>",
      "for --backend command: the agent CLI, e.g. 'aider --yes --message {prompt}'",
    )
    .option("--pty", "for --backend command: run the agent CLI on a pseudo-terminal")
    .option("--rehearse", "answer codex turns with a scripted model on 127.0.0.1 (no credentials, no tokens)")
    .option("--script <file>", "the model script for --rehearse (default: examples/rehearsal.yaml)")
    .option(
      "--checkout <dir>",
      "run turns in this checkout of the submitter's repository (must be at its commit)",
    )
    .option(
      "--lock-duration <duration>",
      "a turn is re-run elsewhere this long after its worker died (default 30s)",
    )
    .option("--name <id>", "this worker's id in the fleet (default <host>-<pid>-<random>)")
    .addHelpText(
      "after",
      `
Examples:
  $ baton worker --queue redis://10.0.0.5:6379 --concurrency 8
  $ BATON_REDIS_PASSWORD=… baton worker --queue rediss://redis.internal:6380 --checkout ~/src/app
  $ baton worker --queue redis://127.0.0.1:6379 --backend command --command 'aider --yes --message {prompt}'`,
    )
    .action(async (flags: WorkerFlags) => {
      const code = await workerCommand(flags);
      // Jobs handed back are left unfinished on purpose, and BullMQ keeps their connections open:
      // once every turn is killed and the worker is deregistered, nothing is left to wait for.
      process.exit(code);
    });
}

async function workerCommand(flags: WorkerFlags): Promise<number> {
  const connection = parseQueueUrl(flags.queue);
  const lockDurationMs = flags.lockDuration
    ? parseDurationMs(flags.lockDuration, "--lock-duration")
    : undefined;
  const name = flags.backend ?? "codex";
  if (flags.rehearse && name !== "codex")
    throw new BatonError(
      "E_USAGE",
      `--rehearse drives codex workers; it cannot be combined with --backend ${name}`,
    );
  let rehearsal: Rehearsal | undefined;
  let worker: FleetWorker | undefined;
  let removeSignalHandlers: (() => void) | undefined;
  try {
    if (flags.rehearse) rehearsal = await startRehearsal(flags.script);
    // Fleet turns are processes: a worker's codex is `codex exec` (its queue is `turns-codex`).
    const transport = name === "codex" ? "codex-exec" : name;
    const backend =
      rehearsal?.backendFor(transport) ??
      createBackend(transport, { command: flags.command, pty: flags.pty });
    backend.resolve();
    worker = new FleetWorker({
      connection,
      backends: [backend],
      concurrency: flags.concurrency,
      checkout: flags.checkout && resolve(flags.checkout),
      lockDurationMs,
      workerId: flags.name,
      log: (line) => process.stderr.write(`baton worker: ${line}\n`),
      supervisor: cliSupervisor(),
    });
    const stopped = new Promise<NodeJS.Signals>((done) => {
      removeSignalHandlers = handleSignals({ killAll: killCliWorkers, graceful: done });
    });
    await worker.start();
    process.stderr.write(
      `baton worker ${worker.id}: ready on ${connection.display} — backend ${backend.name}, ${flags.concurrency ?? 4} at once` +
        `${flags.checkout ? `, checkout ${resolve(flags.checkout)}` : ""}\n`,
    );
    const signal = await stopped;
    process.stderr.write(`baton worker ${worker.id}: ${signal}: handing running turns back to the fleet\n`);
    return 0;
  } finally {
    removeSignalHandlers?.();
    await worker?.close();
    await rehearsal?.close();
  }
}
