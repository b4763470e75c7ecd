import { z } from "zod";
import type { Backend } from "../backends/types.ts";
import type { Supervisor } from "../core/process/supervisor.ts";
import type { TurnStarter } from "../core/turn.ts";
import { BatonError } from "../errors.ts";
import type { Git } from "../git/git.ts";
import { describeIssues } from "../util/zod-issues.ts";
import { AnswerBookSchema, type Question } from "./clarify.ts";
import { ContextPackSchema } from "./context-pack.ts";
import { PatternNameSchema } from "./result.ts";

/**
 * How the CLI made the run's workers (backend, its command template, pty, rehearsal and its
 * script). Plain data, recorded in `run.started`, so `baton resume` makes the same ones: a
 * `--backend command` run resumes on that command, a rehearsal on its scripted model, never a real one.
 */
export const LaunchOptionsSchema = z.object({
  backend: z.string(),
  command: z.string().optional(),
  pty: z.boolean().optional(),
  rehearse: z.boolean().optional(),
  /** Absolute path of the rehearsal's model script; undefined: the built-in one. */
  script: z.string().optional(),
});
export type LaunchOptions = z.infer<typeof LaunchOptionsSchema>;

/** The data options of every run of agents, `baton run` and `baton map` alike. */
export const AgentRunDataSchema = z.object({
  launch: LaunchOptionsSchema.optional(),
  /** Agent turns at once. Default 4. */
  concurrency: z.number().optional(),
  /** Deadline of each turn. Default 10 minutes. */
  timeoutMs: z.number().optional(),
  /** No output for this long kills a turn. Default 5 minutes. */
  stallTimeoutMs: z.number().optional(),
  /** Token budget of the whole run (all agents, input + output): once used up, nothing new starts. */
  maxTokens: z.number().optional(),
  /** The worker fleet's Redis (`--queue`, without its password), recorded so a resume dispatches there again. */
  queue: z.string().optional(),
  cwd: z.string().optional(),
  /** baton's state directory; default `$BATON_HOME` or `./.baton`. */
  home: z.string().optional(),
  /** Continue this run in its own record: what finished is not run again. */
  resumeRunId: z.string().optional(),
});

/** A run's options that are data: validated, recorded in the journal's `run.started`, read back on resume. */
export const RunDataOptionsSchema = AgentRunDataSchema.extend({
  task: z.string(),
  /** Default `auto`: a planner agent chooses. */
  pattern: z.union([PatternNameSchema, z.literal("auto")]).optional(),
  /** Review lenses, research angles or option directions. */
  lenses: z.array(z.string()).optional(),
  /** Slices for the split pattern. */
  sections: z.array(z.string()).optional(),
  /** How many research/option workers. */
  workers: z.number().optional(),
  /** Deadline of the whole run: when it passes, every running worker is stopped (`timed_out`). */
  runTimeoutMs: z.number().optional(),
  context: ContextPackSchema.optional(),
  answers: AnswerBookSchema.optional(),
  /** Research workers (Pattern E) get the backend's web search tool; `false` (`--no-web`) turns it off. */
  web: z.boolean().optional(),
  /** Pattern D: the section workers edit files (writers, each with its section as its scope). */
  write: z.boolean().optional(),
  /**
   * How writers run. `serial` (default): one at a time on the working tree. `worktree`: in parallel,
   * each in its own git worktree on `baton/<run-id>/<agent>` (overlapping scopes one after another),
   * then merged by the merge queue (docs/architecture.md, "Parallel writers"). Needs a git repository.
   */
  writers: z.enum(["serial", "worktree"]).optional(),
  /** Worktree writers: files or directories (relative to `cwd`) copied into each worktree, e.g. `.env`. */
  copyFiles: z.array(z.string()).optional(),
  /** Worktree writers: run with `sh -c` in each new worktree before its writer starts, e.g. `npm ci`. */
  setupCommand: z.string().optional(),
  /** Worktree writers: run with `sh -c` in each rebased worktree; a branch merges only if it exits 0. */
  verifyCommand: z.string().optional(),
  /** Worktree writers: a conflict is given to a resolver agent instead of only being reported. */
  resolveConflicts: z.boolean().optional(),
});

/**
 * What `run.started.options` holds: the data options but those the line names itself (task,
 * pattern, cwd) and those of this process only (home, the resume's run id).
 */
export const RecordedRunOptionsSchema = RunDataOptionsSchema.omit({
  task: true,
  pattern: true,
  cwd: true,
  home: true,
  resumeRunId: true,
});
export type RecordedRunOptions = z.infer<typeof RecordedRunOptionsSchema>;

export type RunDataOptions = z.infer<typeof RunDataOptionsSchema>;

/** A run's options: its data (`RunDataOptionsSchema`) and the live handles and callbacks no record holds. */
export interface RunOptions extends RunDataOptions {
  /** Asks the user a worker's question (on a terminal). */
  ask?: (question: Question) => Promise<string>;
  backends: Backend | Record<string, Backend>;
  /** Names which of `backends` runs a worker (e.g. one review lens on claude); undefined: the first one. */
  backendFor?: (role: string, label: string) => string | undefined;
  signal?: AbortSignal;
  /** Owns every process of the run (workers, setup, verify). Default: the run's pool makes its own. */
  supervisor?: Supervisor;
  /** Runs the worktree writers' git commands, serialised per repository. Default: the run's own, on its supervisor; share one between runs on one repository. */
  git?: Git;
  /** Starts each worker turn somewhere else than here, e.g. on the fleet (`Fleet.turns`). */
  turns?: TurnStarter;
}

/** The options as `run.started` records them (functions, handles and this process's own left out). */
export function recordRunOptions(options: RunOptions): RecordedRunOptions {
  return RecordedRunOptionsSchema.parse(options);
}

/** The data options of a run as its `run.started` line holds them (with the task, pattern and cwd it names), for a resume. */
export function startedRunOptions(started: {
  runId: string;
  task: string;
  pattern: string;
  cwd: string;
  options: Record<string, unknown>;
}): Omit<RunDataOptions, "home" | "resumeRunId"> {
  const { task, pattern, cwd } = started;
  const parsed = RunDataOptionsSchema.omit({ home: true, resumeRunId: true }).safeParse({
    ...started.options,
    task,
    pattern,
    cwd,
  });
  if (parsed.success) return parsed.data;
  throw new BatonError(
    "E_CONFIG",
    `run ${started.runId}: its journal's run.started line does not read (${describeIssues(parsed.error, { top: "options" })}); the record is damaged, so the run cannot be resumed as it was started`,
    { runId: started.runId },
  );
}

/** Longest lens or section name: it labels a worker, a plan step and a report heading. */
const NAME_MAX = 80;

/** Checks everything that can be checked before a run directory exists. */
export function checkRunOptions(o: RunOptions): void {
  const fail = (message: string) => {
    throw new BatonError("E_USAGE", message);
  };
  // Types and choices first (a library caller's mistakes): the data schema's word, naming the option.
  const parsed = RunDataOptionsSchema.safeParse(o);
  if (!parsed.success)
    fail(`invalid run options: ${describeIssues(parsed.error, { top: "options", backticks: true })}`);
  if (o.task.trim() === "")
    fail('the task is empty; say what the workers should do, e.g. baton run "Review src/ for risks"');
  const pattern = o.pattern ?? "auto";
  const whole = (name: string, v: number | undefined, min: number, max: number) => {
    if (v !== undefined && !(Number.isInteger(v) && v >= min && v <= max))
      fail(`${name} must be a whole number from ${min} to ${max}, got ${v}`);
  };
  whole("`workers`", o.workers, 1, 16);
  whole("`concurrency`", o.concurrency, 1, 64);
  whole("`maxTokens`", o.maxTokens, 1, Number.MAX_SAFE_INTEGER);
  if (
    o.lenses &&
    (pattern === "review" || pattern === "auto") &&
    (o.lenses.length < 2 || o.lenses.length > 4)
  ) {
    fail(`a triangulated review uses 2 to 4 lenses, got ${o.lenses.length}: ${o.lenses.join(", ")}`);
  }
  for (const [flag, names] of [
    ["`lenses`", o.lenses],
    ["`sections`", o.sections],
  ] as const) {
    const long = names?.find((n) => n.length > NAME_MAX);
    if (long !== undefined)
      fail(
        `${flag}: each name is at most ${NAME_MAX} characters (it labels a worker and a plan step), got ${long.length}: "${long.slice(0, 40)}…"; put the detail in the task or the Context Pack's \`goal\``,
      );
  }
  if (o.lenses && o.workers !== undefined && o.workers > o.lenses.length && pattern !== "options")
    fail(
      `\`workers\` ${o.workers} asks for more workers than the ${o.lenses.length} \`lenses\` given; give ${o.workers} lenses, or leave out \`lenses\` for baton's own angles`,
    );
  if (pattern === "split" && (o.sections?.length ?? 0) < 2) {
    fail("`pattern` split needs at least two `sections`, e.g. `sections` src/api,src/cli,docs");
  }
  if (pattern === "options" && o.workers !== undefined && (o.workers < 2 || o.workers > 3)) {
    fail(`\`pattern\` options runs 2 or 3 option workers, got \`workers\` ${o.workers}`);
  }
  checkWriterOptions(o, pattern, fail);
}

function checkWriterOptions(o: RunOptions, pattern: string, fail: (message: string) => never): void {
  if (o.write && pattern !== "split" && pattern !== "auto")
    fail(
      `\`write\` makes the section workers of \`pattern\` split edit files; it does not apply to \`pattern\` ${pattern}`,
    );
  if (o.writers === "worktree") return;
  const given = [
    o.copyFiles?.length && "`copyFiles`",
    o.setupCommand && "`setupCommand`",
    o.verifyCommand && "`verifyCommand`",
    o.resolveConflicts && "`resolveConflicts`",
  ].filter(Boolean);
  if (given.length > 0)
    fail(
      `${given.join(", ")} apply to writers in their own worktrees; add \`writers\` worktree (or \`write\`)`,
    );
}
