import { resolve } from "node:path";
import { type Command, Option } from "commander";
import { promptInArgv } from "../../backends/command/backend.ts";
import { createBackend } from "../../backends/registry.ts";
import { workerBinaryLine } from "../../backends/resolve-binary.ts";
import { BatonError } from "../../errors.ts";
import type { Fleet } from "../../fleet/fleet.ts";
import { remoteBackend } from "../../fleet/remote-backend.ts";
import { submitToFleet } from "../../fleet/submit.ts";
import { Git } from "../../git/git.ts";
import { checkWorktreeRepo } from "../../git/preflight.ts";
import { type Rehearsal, startRehearsal } from "../../rehearsal/rehearsal.ts";
import { type AnswerBook, loadAnswers } from "../../run/clarify.ts";
import { type ContextPack, loadContextPack } from "../../run/context-pack.ts";
import { checkRunOptions, type LaunchOptions, type RunOptions } from "../../run/options.ts";
import { PATTERNS, type PatternName } from "../../run/result.ts";
import { runTask } from "../../run/run.ts";
import { liveView } from "../../ui/live.ts";
import { parseDurationMs } from "../../util/duration.ts";
import { localTransport } from "../codex-transport.ts";
import { backendOption, checkDirectory, parseList, parseWhole } from "../parse.ts";
import { keepRunningOnBrokenStdout } from "../pipes.ts";
import { reapLeftovers } from "../reap.ts";
import { askOnTerminal, jsonOf, printSummary } from "../run-terminal.ts";
import { cliSupervisor, stopOnSignals } from "../supervisor.ts";

interface RunFlags {
  pattern: string;
  backend?: string;
  command?: string;
  pty?: boolean;
  lenses?: string[];
  sections?: string[];
  workers?: number;
  concurrency?: number;
  timeout?: string;
  stallTimeout?: string;
  runTimeout?: string;
  maxTokens?: number;
  context?: string;
  goal?: string;
  answers?: string;
  json?: boolean;
  rehearse?: boolean;
  script?: string;
  cwd?: string;
  write?: boolean;
  /** false with --no-web. */
  web?: boolean;
  writers?: "serial" | "worktree";
  copy?: string[];
  setup?: string;
  verify?: string;
  resolveConflicts?: boolean;
  queue?: string;
}

export function registerRun(program: Command): void {
  program
    .command("run")
    .summary("run a task with parallel workers and one of six orchestration patterns")
    .description(
      `Plans the work (3–6 steps, one in progress), runs workers in parallel in the background, captures
their final messages as structured results, merges them (duplicates removed, ranked by severity) and
delivers one result and one recommended next step. Everything is recorded in .baton/runs/<run-id>/.

Patterns: review (A, triangulated review), review-fix (B), scout (C, scout → act → verify),
split (D, by sections), research (E, research → synthesis), options (F, options sprint),
auto (default: a planner agent chooses, and baton validates its choice).

Writers (workers that edit files) run one at a time on the working tree, or with --writers worktree
(implied by --write, --copy, --setup, --verify, --resolve-conflicts) in parallel, each in its own git
worktree on a branch baton/<run-id>/<agent>; writers whose scopes overlap run one after another. A
merge queue then rebases each branch on the current branch, runs --verify, and fast-forwards;
a conflict goes to a resolver agent (--resolve-conflicts) or is reported. Unmerged work is never
deleted: its branch stays and its patch is in the run record.

Exit codes: 0 success, 1 run failed, 2 bad usage, 3 partial (some workers failed, or a writer's
branch was not merged; the result was built from the rest), 130 interrupted.`,
    )
    .argument("<task>", "what the workers should do")
    .addOption(
      new Option("-p, --pattern <name>", "orchestration pattern")
        .choices(["auto", ...PATTERNS])
        .default("auto"),
    )
    .option(
      "--lenses <list>",
      "review lenses / research angles / option directions, comma-separated (2–4)",
      parseList,
    )
    .option("--sections <list>", "slices for --pattern split, comma-separated", parseList)
    .option("--workers <n>", "how many research or option workers", parseWhole("--workers", 1, 16))
    .option("--concurrency <n>", "worker turns at once (default 4)", parseWhole("--concurrency", 1, 64))
    .option("--timeout <duration>", "deadline of each worker turn, e.g. 90s, 10m (default 10m)")
    .option(
      "--run-timeout <duration>",
      "deadline of the whole run; running workers are stopped when it passes",
    )
    .option(
      "--max-tokens <n>",
      "token budget of the whole run (input + output, all workers)",
      parseWhole("--max-tokens", 1, Number.MAX_SAFE_INTEGER),
    )
    .option("--stall-timeout <duration>", "kill a worker silent for this long (default 5m)")
    .option(
      "--context <file>",
      "Context Pack: YAML/JSON (goal, nonGoals, constraints, pointers, priorDecisions, successCheck) or Markdown",
    )
    .option("--goal <text>", "the Context Pack's Goal, without a file")
    .option("--answers <file>", "answers to workers' clarification questions (YAML/JSON list or map)")
    .option("--json", "print one JSON object with the whole run at the end, and nothing else on stdout")
    .addOption(backendOption())
    .option(
      "--command <template>",
      "for --backend command: the agent CLI, e.g. 'aider --yes --message-file {prompt_file}'",
    )
    .option(
      "--pty",
      "for --backend command: run the agent CLI on a pseudo-terminal (for tools that need one)",
    )
    .option(
      "--rehearse",
      "run against a scripted model on 127.0.0.1 (no credentials, no tokens spent; codex only)",
    )
    .option("--script <file>", "the model script for --rehearse (default: examples/rehearsal.yaml)")
    .option("-C, --cwd <dir>", "working directory of the workers (default: here)")
    .option("--write", "--pattern split: the section workers edit files, each scoped to its section")
    .option("--no-web", "research workers get no web search (by default they, and only they, have it)")
    .addOption(
      new Option(
        "--writers <mode>",
        "how writers run: serial (one at a time) or worktree (in parallel)",
      ).choices(["serial", "worktree"]),
    )
    .option(
      "--copy <list>",
      "files copied into each writer's worktree, comma-separated (e.g. .env)",
      parseList,
    )
    .option("--setup <command>", "run in each new worktree before its writer starts (sh -c), e.g. 'npm ci'")
    .option("--verify <command>", "must pass (sh -c, exit 0) in a rebased worktree before its branch merges")
    .option("--resolve-conflicts", "give a merge conflict to a resolver agent instead of only reporting it")
    .option(
      "--queue <url>",
      "run the worker turns on a fleet: redis://HOST:PORT (baton worker --help, docs/fleet.md)",
    )
    .addHelpText(
      "after",
      `
Examples:
  $ baton run --rehearse "Review src/core/pool.ts" --pattern review      # offline rehearsal
  $ baton run "Review src/core/pool.ts for correctness" --pattern review --lenses correctness,risks,clarity
  $ baton run "Document the public API" --pattern split --sections src/core,src/run,src/cli --json
  $ baton run "Fix the flaky wait test" --pattern scout --context context.yaml --timeout 20m
  $ baton run "Add input validation" --pattern split --sections src/api,src/cli,docs --write \\
      --copy .env --setup "npm ci" --verify "npm test" --resolve-conflicts`,
    )
    .action(async (task: string, flags: RunFlags) => {
      process.exitCode = await runCommand(task, flags);
    });
}

async function runCommand(task: string, flags: RunFlags): Promise<number> {
  // Everything that can be wrong with the input is found before a run directory exists.
  if (flags.cwd !== undefined) checkDirectory(flags.cwd);
  const timeoutMs = flags.timeout ? parseDurationMs(flags.timeout, "--timeout") : undefined;
  const stallTimeoutMs = flags.stallTimeout
    ? parseDurationMs(flags.stallTimeout, "--stall-timeout")
    : undefined;
  const runTimeoutMs = flags.runTimeout ? parseDurationMs(flags.runTimeout, "--run-timeout") : undefined;
  let context: ContextPack | undefined = flags.context ? loadContextPack(flags.context) : undefined;
  if (flags.goal) context = { ...context, goal: flags.goal };
  const answers: AnswerBook | undefined = flags.answers ? loadAnswers(flags.answers) : undefined;
  const options: Omit<RunOptions, "backends"> = {
    task,
    pattern: flags.pattern as PatternName | "auto",
    lenses: flags.lenses,
    sections: flags.sections,
    workers: flags.workers,
    concurrency: flags.concurrency,
    timeoutMs,
    stallTimeoutMs,
    runTimeoutMs,
    maxTokens: flags.maxTokens,
    context,
    answers,
    cwd: flags.cwd,
    write: flags.write,
    web: flags.web,
    writers:
      flags.writers ??
      (flags.write || flags.copy || flags.setup || flags.verify || flags.resolveConflicts
        ? "worktree"
        : undefined),
    copyFiles: flags.copy,
    setupCommand: flags.setup,
    verifyCommand: flags.verify,
    resolveConflicts: flags.resolveConflicts,
    queue: flags.queue,
  };
  checkRunOptions({ ...options, backends: {} });
  if (options.writers === "worktree")
    await checkWorktreeRepo(options.cwd ?? process.cwd(), options.copyFiles, new Git(cliSupervisor()));
  return executeRun(options, flags);
}

/** Runs (or resumes) with the terminal around it: rehearsal, live view, Ctrl-C, summary or JSON. */
export async function executeRun(
  given: Omit<RunOptions, "backends">,
  flags: Pick<RunFlags, "json" | "rehearse" | "script" | "backend" | "command" | "pty">,
): Promise<number> {
  let rehearsal: Rehearsal | undefined;
  let fleet: Fleet | undefined;
  const supervisor = cliSupervisor();
  const { controller, remove: removeSignalHandlers } = stopOnSignals("workers");
  try {
    reapLeftovers();
    if (given.queue) {
      // The turns run on `baton worker` machines; this process keeps the record.
      const submitted = await submitToFleet(
        given.queue,
        { backend: flags.backend ?? "codex", rehearse: flags.rehearse },
        (line) => process.stderr.write(`baton: ${line}\n`),
      );
      fleet = submitted.fleet;
      given = { ...given, queue: submitted.display, turns: fleet.turns };
    }
    if (flags.rehearse) {
      rehearsal = await startRehearsal(flags.script);
      process.stderr.write(
        `REHEARSAL: the workers are the real codex CLI, answered by a scripted model at ${rehearsal.server.url}\n` +
          `(${flags.script ?? "examples/rehearsal.yaml"}). No credentials are used and no tokens are spent.\n`,
      );
    }
    const name = flags.backend ?? "codex";
    if (flags.rehearse && !name.startsWith("codex")) {
      throw new BatonError(
        "E_USAGE",
        `--rehearse drives codex workers; it cannot be combined with --backend ${flags.backend}`,
      );
    }
    // A rehearsal's workers are codex over the throw-away configuration, by whichever transport was asked.
    const local = fleet || rehearsal ? undefined : await localTransport(name);
    const backend = fleet
      ? remoteBackend(name)
      : (rehearsal?.backendFor(name) ??
        createBackend(local!.name, { command: flags.command, pty: flags.pty }));
    // A missing codex CLI is reported now, not once per worker; the binary and version are named.
    if (!fleet)
      process.stderr.write(
        await workerBinaryLine(backend.name, backend.resolve(), rehearsal?.env, local?.versionLine),
      );
    if (flags.command !== undefined && promptInArgv(flags.command))
      process.stderr.write(
        "baton: warning: {prompt} puts each prompt in the tool's argv, readable by every local user (/proc/<pid>/cmdline) and limited to 128 KiB; use {prompt_file} or stdin if the tool accepts them\n",
      );
    const view = flags.json ? undefined : liveView(process.stderr);
    const interactive = !flags.json && process.stdin.isTTY === true && process.stderr.isTTY === true;
    const launch: LaunchOptions = {
      backend: flags.backend ?? "codex",
      ...(flags.command !== undefined ? { command: flags.command } : {}),
      ...(flags.pty ? { pty: true } : {}),
      ...(flags.rehearse ? { rehearse: true } : {}),
      ...(flags.script ? { script: resolve(flags.script) } : {}),
    };
    const options: RunOptions = {
      ...given,
      launch,
      backends: backend,
      signal: controller.signal,
      supervisor,
      ask: interactive ? (q) => askOnTerminal(q, view) : undefined,
    };
    const result = await keepRunningOnBrokenStdout(() =>
      runTask(options, { onUpdate: (v) => view?.update(v) }),
    );
    view?.stop(result);
    if (flags.json) process.stdout.write(`${JSON.stringify(jsonOf(result))}\n`);
    else printSummary(result, rehearsal !== undefined);
    return result.exitCode;
  } finally {
    removeSignalHandlers();
    await fleet?.close();
    await rehearsal?.close();
  }
}
