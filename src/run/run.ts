import { join } from "node:path";
import { RUN_DEFAULTS } from "../core/defaults.ts";
import { Pool } from "../core/pool.ts";
import { ownerId } from "../core/process/owner.ts";
import { errorJson } from "../errors.ts";
import { EXIT } from "../exit-codes.ts";
import { Git } from "../git/git.ts";
import { checkWorktreeRepo } from "../git/preflight.ts";
import { releaseRunLock } from "../store/lock.ts";
import { batonHome, newRunId, runDir } from "../store/paths.ts";
import { makeAnswerer } from "./clarify.ts";
import { RunContext } from "./context.ts";
import { nameRunDeadline } from "./deadline.ts";
import { checkRunOptions, type RunOptions, recordRunOptions } from "./options.ts";
import { PATTERN_RUNNERS } from "./patterns/index.ts";
import type { PatternOptions } from "./patterns/shared.ts";
import { choosePattern } from "./planner.ts";
import { openRunRecord } from "./record-open.ts";
import { renderReport } from "./report.ts";
import type { RunStatus, RunView } from "./view.ts";
import { describeEvent, replayedRow, toRow } from "./view-rows.ts";
import { addMerges, ParallelWriters, recordSaver } from "./writers.ts";

export type { AgentRow, RunStatus, RunView } from "./view.ts";

export interface RunHooks {
  /** Called on every change (plan, agent status, worker activity), for a live view. */
  onUpdate?: (view: RunView) => void;
  /** Called once the run directory exists. */
  onStart?: (view: RunView) => void;
}

/** The exit code of a run (or map) that ended with this status. */
export const EXIT_FOR: Record<Exclude<RunStatus, "running">, number> = {
  completed: EXIT.ok,
  partial: EXIT.partial,
  failed: EXIT.failed,
  cancelled: EXIT.interrupted,
};

/**
 * Runs a task with one of the six patterns (or lets a planner choose), recording everything under
 * `.baton/runs/<run-id>/`.
 *
 * @example
 * const view = await runTask({ task: "Review src/pool.ts", pattern: "review", backends: codexBackend() });
 * console.log(view.result?.summary, view.result?.nextStep);
 */
export async function runTask(
  options: RunOptions,
  hooks: RunHooks = {},
): Promise<RunView & { exitCode: number }> {
  checkRunOptions(options);
  const repo =
    options.writers === "worktree"
      ? await checkWorktreeRepo(
          options.cwd ?? process.cwd(),
          options.copyFiles,
          options.git ?? (options.supervisor && new Git(options.supervisor)),
        )
      : undefined;
  const home = options.home ?? batonHome();
  const runId = options.resumeRunId ?? newRunId();
  const requested = options.pattern ?? "auto";
  const owner = { pid: process.pid, ownerId: ownerId() };
  const view: RunView = {
    runId,
    dir: runDir(runId, home),
    task: options.task,
    status: "running",
    pattern: requested,
    agents: [],
    startedAt: Date.now(),
  };
  const { recorder, replay } = openRunRecord({
    home,
    runId,
    resume: options.resumeRunId !== undefined,
    owner,
    started: {
      type: "run.started",
      runId,
      task: options.task,
      pattern: requested,
      cwd: options.cwd ?? process.cwd(),
      options: recordRunOptions(options),
    },
    snapshot: view,
  });
  const activity = new Map<string, string>();
  let pending: NodeJS.Timeout | undefined;
  const update = () => {
    if (pending) clearTimeout(pending);
    pending = undefined;
    const planChanged = view.plan !== ctx.plan;
    view.plan = ctx.plan;
    view.agents = [
      ...ctx.replayed.map(replayedRow),
      ...pool.list().map((a) => ({ ...toRow(a), lastActivity: activity.get(a.id) })),
    ];
    if (planChanged) recorder.writeView(view);
    hooks.onUpdate?.(view);
  };
  // Worker streams can be chatty: coalesce their updates, but never delay lifecycle changes.
  const updateSoon = () => {
    pending ??= setTimeout(update, 100);
  };
  const pool = new Pool({
    backends: options.backends,
    concurrency: options.concurrency ?? RUN_DEFAULTS.concurrency,
    turnTimeoutMs: options.timeoutMs ?? RUN_DEFAULTS.timeoutMs,
    stallTimeoutMs: options.stallTimeoutMs ?? RUN_DEFAULTS.stallTimeoutMs,
    supervisor: options.supervisor,
    cwd: options.cwd,
    maxTokens: options.maxTokens,
    turns: options.turns,
    scratchDir: recorder.agentDir("."),
    onEvent: (event) => {
      recorder.onPoolEvent(event);
      if (event.type === "worker.event") {
        const what = describeEvent(event.event);
        if (what) activity.set(event.agentId, what);
        updateSoon();
      } else if (event.type !== "worker.stderr") update();
    },
  });
  // Stops the writers' setup and verify commands when the run is cancelled or its deadline passes.
  const commands = new AbortController();
  const writers =
    repo &&
    new ParallelWriters({
      runId,
      repo: repo.root,
      subdir: repo.subdir,
      dir: join(home, "worktrees", runId),
      task: options.task,
      copyFiles: options.copyFiles,
      setupCommand: options.setupCommand,
      verifyCommand: options.verifyCommand,
      resolveConflicts: options.resolveConflicts,
      commandTimeoutMs: options.timeoutMs,
      signal: commands.signal,
      supervisor: pool.supervisor,
      git: options.git ?? new Git(pool.supervisor),
      journal: (entry) => recorder.journal.append(entry),
      saveFile: recordSaver((id) => recorder.agentDir(id)),
    });
  const ctx = new RunContext(pool, recorder, {
    task: options.task,
    replay,
    context: options.context,
    answerer: makeAnswerer(options.answers, options.ask),
    onChange: update,
    backendFor: options.backendFor,
    writers,
    web: options.web,
  });
  if (replay) recorder.writeView(view);
  hooks.onStart?.(view);
  let cancelled = false;
  const onAbort = () => {
    cancelled = true;
    commands.abort();
    void pool.cancelAll("cancelled");
  };
  // A record that cannot be written stops the run as a cancel would: workers stopped, run failed.
  recorder.onFault = () => {
    commands.abort();
    void pool.cancelAll("cancelled");
  };
  if (recorder.fault) recorder.onFault(recorder.fault);
  options.signal?.addEventListener("abort", onAbort, { once: true });
  // Nested deadlines: no worker outlives the run's deadline, whatever its own.
  let runTimedOut = false;
  let runTimedOutAt = 0;
  const runTimer = options.runTimeoutMs
    ? setTimeout(() => {
        runTimedOut = true;
        runTimedOutAt = Date.now();
        commands.abort();
        void pool.cancelAll("timed_out");
      }, options.runTimeoutMs)
    : undefined;

  try {
    let pattern = requested;
    let patternOptions: PatternOptions = {
      lenses: options.lenses,
      sections: options.sections,
      workers: options.workers,
      write: options.write,
    };
    let fallback: string | undefined;
    if (pattern === "auto") {
      const choice = await choosePattern(ctx, patternOptions);
      pattern = choice.pattern;
      patternOptions = choice.options;
      fallback = choice.fallback;
      recorder.journal.append({
        type: "pattern.chosen",
        pattern,
        rationale: choice.fallback ?? choice.rationale,
      });
    }
    view.pattern = pattern;
    const result = await PATTERN_RUNNERS[pattern](ctx, patternOptions);
    if (fallback) result.warnings.push(fallback);
    if (writers) addMerges(result, writers.merges);
    view.result = result;
    const unmerged = result.merges?.some((m) => m.kept) ?? false;
    view.status = cancelled
      ? "cancelled"
      : result.failedWorkers.length > 0 || unmerged
        ? "partial"
        : "completed";
  } catch (error) {
    view.status = cancelled ? "cancelled" : "failed";
    view.error = errorJson(error);
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    if (pending) clearTimeout(pending);
    if (runTimer) clearTimeout(runTimer);
    if (pool.budgetExhausted && view.result)
      view.result.warnings.push(
        `the token budget of ${options.maxTokens} was used up; unfinished workers were stopped`,
      );
    await pool.shutdown();
    update();
    if (runTimedOut) nameRunDeadline(view, options.runTimeoutMs!, runTimedOutAt);
    view.endedAt = Date.now();
    const fault = recorder.fault;
    if (fault) {
      view.status = "failed";
      view.error = errorJson(fault);
    }
    const exitCode = EXIT_FOR[view.status as Exclude<RunStatus, "running">];
    if (view.result) recorder.writeJson("result.json", view.result);
    recorder.writeView(view);
    recorder.writeText("report.md", renderReport(view));
    recorder.journal.append({
      type: "run.ended",
      status: view.status,
      exitCode,
      error: view.error,
      // A disk that failed can be retried once it is mended; a record its own schema refused (E_INTERNAL) cannot.
      ...(fault?.code === "E_IO" ? { resumable: true } : {}),
    });
    await recorder.close();
    releaseRunLock(recorder.dir, owner);
  }
  return { ...view, exitCode: EXIT_FOR[view.status as Exclude<RunStatus, "running">] };
}
