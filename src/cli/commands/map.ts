import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { type Command, Option } from "commander";
import { BACKEND_NAMES, createBackend } from "../../backends/registry.ts";
import type { Backend } from "../../backends/types.ts";
import { BatonError } from "../../errors.ts";
import type { Fleet } from "../../fleet/fleet.ts";
import { submitToFleet } from "../../fleet/submit.ts";
import { type MapView, mapTasks } from "../../map/map.ts";
import type { MapOptions } from "../../map/options.ts";
import { loadOutputSchema } from "../../map/output-schema.ts";
import { progressView } from "../../map/progress.ts";
import { recordedMapOptions } from "../../map/resume.ts";
import { loadTasks } from "../../map/tasks.ts";
import { checkTemplate, renderPrompt } from "../../map/template.ts";
import { type Rehearsal, startRehearsal } from "../../rehearsal/rehearsal.ts";
import type { LaunchOptions } from "../../run/options.ts";
import { parseDurationMs } from "../../util/duration.ts";
import { localTransport } from "../codex-transport.ts";
import { withFlags } from "../flags.ts";
import { parseWhole } from "../parse.ts";
import { reapLeftovers } from "../reap.ts";
import { cliSupervisor, stopOnSignals } from "../supervisor.ts";

interface MapFlags {
  tasks?: string;
  prompt?: string;
  promptFile?: string;
  outputSchema?: string;
  out?: string;
  id?: string;
  concurrency?: number;
  timeout?: string;
  stallTimeout?: string;
  maxTokens?: number;
  retries?: number;
  dryRun?: boolean;
  resume?: string;
  json?: boolean;
  backend?: string;
  command?: string;
  pty?: boolean;
  rehearse?: boolean;
  script?: string;
  cwd?: string;
  write?: boolean;
  queue?: string;
}

export function registerMap(program: Command): void {
  program
    .command("map")
    .summary("run one agent per item of a CSV or JSONL task list; one result line per item")
    .description(
      `Reads a task list (CSV with a header row, or JSON Lines with one object per line), fills the prompt's
{field} placeholders from each item, runs one agent per item (--concurrency at once) and writes one
result line per item to --out, keyed by the item's id (the --id field, else its line number).

With --output-schema every answer must be JSON matching the schema: an invalid answer gets one repair
turn on the same conversation, then the item fails with the reason. A turn that fails, times out or
stalls is retried with a fresh agent (--retries). Failed items are written with their reasons.

Every field the prompt names is checked on every item before anything runs. The run is recorded in
.baton/runs/<run-id>/ like any run (baton status, logs, report); a killed or stopped map continues
with --resume <run-id>, running only the items without a result line. --max-tokens stops the map
when the budget is used up and keeps every finished line.

Exit codes: 0 every item ok, 2 bad usage (e.g. an item lacks a field), 3 some items failed or were
not done (budget), 130 interrupted.`,
    )
    .option("--tasks <file>", "the task list: .csv (header row) or .jsonl (one JSON object per line)")
    .option(
      "--prompt <template>",
      "each agent's prompt; {field} is filled from the item, {{ }} are literal braces",
    )
    .option("--prompt-file <file>", "read the prompt template from a file instead")
    .option("--output-schema <file>", "JSON Schema every answer must match (one repair turn, then failed)")
    .option("--out <file>", "results: .jsonl or .csv (default: results.jsonl in the run record)")
    .option("--id <field>", "the column / field that identifies an item (default: its line number)")
    .option("--concurrency <n>", "agents at once (default 4)", parseWhole("--concurrency", 1, 256))
    .option("--timeout <duration>", "deadline of each turn, e.g. 90s, 10m (default 10m)")
    .option("--stall-timeout <duration>", "kill a turn silent for this long (default 5m)")
    .option(
      "--max-tokens <n>",
      "token budget of the whole map; when used up nothing new starts and finished lines stay",
      parseWhole("--max-tokens", 1, Number.MAX_SAFE_INTEGER),
    )
    .option(
      "--retries <n>",
      "fresh agents for an item whose turn failed (default 1)",
      parseWhole("--retries", 0, 10),
    )
    .option("--dry-run", "check every item, print the first three prompts, run nothing")
    .option("--resume <run-id>", "continue a stopped or killed map: only items without a result line run")
    .option("--json", "print one JSON object with the summary at the end, and nothing else on stdout")
    .addOption(new Option("--backend <name>", "the worker CLI (default codex)").choices(BACKEND_NAMES))
    .option(
      "--command <template>",
      "for --backend command: the agent CLI, e.g. 'aider --yes --message {prompt}'",
    )
    .option("--pty", "for --backend command: run the agent CLI on a pseudo-terminal")
    .option("--rehearse", "run against a scripted model on 127.0.0.1 (no credentials, no tokens; codex only)")
    .option("--script <file>", "the model script for --rehearse (default: examples/rehearsal.yaml)")
    .option("-C, --cwd <dir>", "working directory of the agents (default: here)")
    .option("--write", "agents may edit files (sandbox workspace-write); default read-only")
    .option(
      "--queue <url>",
      "run the turns on a worker fleet: redis://HOST:PORT (see baton worker --help, docs/fleet.md)",
    )
    .addHelpText(
      "after",
      `
Examples:
  $ baton map --tasks files.csv --id path --prompt "Migrate {path} to ESM; keep its public API" --out migrated.jsonl --write
  $ baton map --tasks issues.jsonl --id number --prompt "Triage issue #{number}: {title}" \\
      --output-schema triage.schema.json --out triage.csv --concurrency 8 --max-tokens 2000000
  $ baton map --tasks packages.csv --prompt "Review the package in {dir}" --dry-run
  $ baton map --resume 20261201-230501-a3f9`,
    )
    .action(async (flags: MapFlags) => {
      process.exitCode = await mapCommand(flags);
    });
}

async function mapCommand(flags: MapFlags): Promise<number> {
  const options = flags.resume ? resumeOptions(flags) : newOptions(flags);
  if (flags.dryRun) return dryRun(options, flags.json === true);
  return executeMap(options, flags);
}

/** Runs (or resumes) a map with the terminal around it: rehearsal, progress, Ctrl-C, summary or JSON. */
async function executeMap(given: Omit<MapOptions, "backends">, flags: { json?: boolean }): Promise<number> {
  let rehearsal: Rehearsal | undefined;
  let fleet: Fleet | undefined;
  let options = given;
  const supervisor = cliSupervisor();
  const { controller, remove: removeSignalHandlers } = stopOnSignals("the map");
  try {
    reapLeftovers();
    const launch = options.launch ?? { backend: "codex" };
    if (launch.rehearse && launch.backend !== "codex")
      throw new BatonError(
        "E_USAGE",
        `--rehearse drives codex workers; it cannot be combined with --backend ${launch.backend}`,
      );
    let backend: Backend;
    if (options.queue) {
      const submitted = await submitToFleet(options.queue, launch, (line) =>
        process.stderr.write(`baton: ${line}\n`),
      );
      fleet = submitted.fleet;
      backend = submitted.backend;
      options = { ...options, queue: submitted.display, turns: fleet.turns };
    } else {
      if (launch.rehearse) rehearsal = await startRehearsal(launch.script);
      backend =
        rehearsal?.backend ??
        createBackend((await localTransport(launch.backend)).name, {
          command: launch.command,
          pty: launch.pty,
        });
      backend.resolve();
    }
    const view = flags.json ? undefined : progressView(process.stderr);
    const result = await mapTasks(
      { ...options, backends: backend, signal: controller.signal, supervisor },
      {
        onStart: (v) => {
          if (!flags.json) process.stderr.write(`map ${v.runId}: ${v.map.total} items → ${v.map.out}\n`);
        },
        onProgress: (p) => view?.update(p),
        onItem: (row, p) => view?.item(row, p),
      },
    );
    view?.stop(result.map);
    if (flags.json) process.stdout.write(`${JSON.stringify(mapJson(result))}\n`);
    else printSummary(result);
    return result.exitCode;
  } finally {
    removeSignalHandlers();
    await fleet?.close();
    await rehearsal?.close();
  }
}

function newOptions(flags: MapFlags): Omit<MapOptions, "backends"> {
  if (!flags.tasks)
    throw new BatonError("E_USAGE", "map needs --tasks <file.csv|file.jsonl> (or --resume <run-id>)");
  if (flags.prompt && flags.promptFile)
    throw new BatonError("E_USAGE", "give either --prompt or --prompt-file, not both");
  const prompt = flags.promptFile ? readFileSync(flags.promptFile, "utf8") : flags.prompt;
  if (!prompt)
    throw new BatonError("E_USAGE", 'map needs --prompt "<template>", e.g. --prompt "Migrate {path} to ESM"');
  return {
    tasks: flags.tasks,
    prompt,
    idField: flags.id,
    outputSchema: flags.outputSchema ? loadOutputSchema(flags.outputSchema).json : undefined,
    out: flags.out,
    concurrency: flags.concurrency,
    timeoutMs: flags.timeout ? parseDurationMs(flags.timeout, "--timeout") : undefined,
    stallTimeoutMs: flags.stallTimeout ? parseDurationMs(flags.stallTimeout, "--stall-timeout") : undefined,
    maxTokens: flags.maxTokens,
    retries: flags.retries,
    sandbox: flags.write ? "workspace-write" : undefined,
    cwd: flags.cwd,
    launch: launchOf(flags),
    queue: flags.queue,
  };
}

function launchOf(flags: MapFlags): LaunchOptions {
  return {
    backend: flags.backend ?? "codex",
    ...(flags.command !== undefined ? { command: flags.command } : {}),
    ...(flags.pty ? { pty: true } : {}),
    ...(flags.rehearse ? { rehearse: true } : {}),
    ...(flags.script ? { script: resolve(flags.script) } : {}),
  };
}

function resumeOptions(flags: MapFlags): Omit<MapOptions, "backends"> {
  const given = ["tasks", "prompt", "promptFile", "outputSchema", "out", "id"].filter(
    (k) => flags[k as keyof MapFlags] !== undefined,
  );
  if (given.length > 0)
    throw new BatonError(
      "E_USAGE",
      `--resume continues the map as it was started; drop ${given.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(", ")}`,
    );
  const recorded = recordedMapOptions(flags.resume!);
  return {
    ...recorded,
    concurrency: flags.concurrency ?? recorded.concurrency,
    maxTokens: flags.maxTokens ?? recorded.maxTokens,
    queue: flags.queue ?? recorded.queue,
    // The recorded launch (backend, command, rehearsal) unless the flags name another backend.
    launch: flags.backend || flags.command ? launchOf(flags) : recorded.launch,
    resumeRunId: flags.resume,
  };
}

function dryRun(options: Omit<MapOptions, "backends">, json: boolean): number {
  const items = loadTasks(options.tasks as string, { idField: options.idField });
  checkTemplate(options.prompt, items, `--tasks ${options.tasks}`);
  const prompts = items
    .slice(0, 3)
    .map((item) => ({ id: item.id, prompt: renderPrompt(options.prompt, item) }));
  if (json) {
    process.stdout.write(`${JSON.stringify({ items: items.length, prompts })}\n`);
    return 0;
  }
  process.stdout.write(`${items.length} items; every field the prompt names is present. First prompts:\n`);
  for (const p of prompts) process.stdout.write(`\n--- item ${p.id}\n${p.prompt}\n`);
  return 0;
}

/** The `--json` shape (docs/formats.md). */
function mapJson(v: MapView) {
  return {
    runId: v.runId,
    status: v.status,
    total: v.map.total,
    done: v.map.done,
    failed: v.map.failed,
    notDone: v.map.notDone,
    skipped: v.map.skipped,
    out: v.map.out,
    error: v.error,
    dir: v.dir,
  };
}

function printSummary(v: MapView): void {
  const m = v.map;
  process.stdout.write(
    `\n${v.status.toUpperCase()} — map ${v.runId}: ${m.done}/${m.total} done, ${m.failed} failed, ${m.notDone} not done\n` +
      `${v.error ? `Error: ${withFlags(v.error.message)}\n` : ""}Results: ${m.out}\nRecord: ${v.dir}\n` +
      (m.notDone > 0 ? `Continue: baton map --resume ${v.runId}\n` : ""),
  );
}

/** `baton resume <run-id>` of a map: the same as `baton map --resume <run-id>`. */
export function resumeMap(
  runId: string,
  flags: { json?: boolean; rehearse?: boolean; script?: string },
): Promise<number> {
  return executeMap(resumeOptions({ resume: runId }), flags);
}
