import type { Backend } from "../backends/types.ts";
import type { Supervisor } from "../core/process/supervisor.ts";
import type { TurnStarter } from "../core/turn.ts";
import { BatonError } from "../errors.ts";
import type { Git } from "../git/git.ts";
import type { AnswerBook, Question } from "./clarify.ts";
import type { ContextPack } from "./context-pack.ts";
import { PATTERNS, type PatternName } from "./result.ts";

/**
 * How the CLI made the run's workers (backend, its command template, pty, rehearsal and its
 * script). Plain data, recorded in `run.started`, so `baton resume` makes the same ones: a
 * `--backend command` run resumes on that command, a rehearsal on its scripted model, never a real one.
 */
export interface LaunchOptions {
  backend: string;
  command?: string;
  pty?: boolean;
  rehearse?: boolean;
  /** Absolute path of the rehearsal's model script; undefined: the built-in one. */
  script?: string;
}

export interface RunOptions {
  task: string;
  launch?: LaunchOptions;
  /** Default `auto`: a planner agent chooses. */
  pattern?: PatternName | "auto";
  /** Review lenses, research angles or option directions. */
  lenses?: string[];
  /** Slices for the split pattern. */
  sections?: string[];
  /** How many research/option workers. */
  workers?: number;
  /** Worker turns at once. Default 4. */
  concurrency?: number;
  /** Deadline of each worker turn. Default 10 minutes. */
  timeoutMs?: number;
  /** No worker output for this long kills its turn. Default 5 minutes. */
  stallTimeoutMs?: number;
  /** Token budget for the whole run (all workers, input + output); see Pool.maxTokens. */
  maxTokens?: number;
  /** Deadline of the whole run: when it passes, every running worker is stopped (`timed_out`). */
  runTimeoutMs?: number;
  context?: ContextPack;
  answers?: AnswerBook;
  /** Asks the user a worker's question (on a terminal). */
  ask?: (question: Question) => Promise<string>;
  backends: Backend | Record<string, Backend>;
  /** Names which of `backends` runs a worker (e.g. one review lens on claude); undefined: the first one. */
  backendFor?: (role: string, label: string) => string | undefined;
  cwd?: string;
  /** baton's state directory; default `$BATON_HOME` or `./.baton`. */
  home?: string;
  signal?: AbortSignal;
  /** Owns every process of the run (workers, setup, verify). Default: the run's pool makes its own. */
  supervisor?: Supervisor;
  /** Runs the worktree writers' git commands, serialised per repository. Default: the run's own, on its supervisor; share one between runs on one repository. */
  git?: Git;
  /** Continue this killed run in its own directory; its finished workers are not run again. */
  resumeRunId?: string;
  /** Research workers (Pattern E) get the backend's web search tool; `false` (`--no-web`) turns it off. */
  web?: boolean;
  /** The worker fleet's Redis (`--queue`, without its password), recorded so a resume dispatches there again. */
  queue?: string;
  /** Starts each worker turn somewhere else than here, e.g. on the fleet (`Fleet.turns`). */
  turns?: TurnStarter;
  /** Pattern D: the section workers edit files (writers, each with its section as its scope). */
  write?: boolean;
  /**
   * How writers run. `serial` (default): one at a time on the working tree. `worktree`: in parallel,
   * each in its own git worktree on `baton/<run-id>/<agent>` (overlapping scopes one after another),
   * then merged by the merge queue (docs/architecture.md, "Parallel writers"). Needs a git repository.
   */
  writers?: "serial" | "worktree";
  /** Worktree writers: files or directories (relative to `cwd`) copied into each worktree, e.g. `.env`. */
  copyFiles?: string[];
  /** Worktree writers: run with `sh -c` in each new worktree before its writer starts, e.g. `npm ci`. */
  setupCommand?: string;
  /** Worktree writers: run with `sh -c` in each rebased worktree; a branch merges only if it exits 0. */
  verifyCommand?: string;
  /** Worktree writers: a conflict is given to a resolver agent instead of only being reported. */
  resolveConflicts?: boolean;
}

/** Longest lens or section name: it labels a worker, a plan step and a report heading. */
const NAME_MAX = 80;

/** Checks everything that can be checked before a run directory exists. */
export function checkRunOptions(o: RunOptions): void {
  const fail = (message: string) => {
    throw new BatonError("E_USAGE", message);
  };
  if (typeof o.task !== "string" || o.task.trim() === "")
    fail('the task is empty; say what the workers should do, e.g. baton run "Review src/ for risks"');
  const pattern = o.pattern ?? "auto";
  if (pattern !== "auto" && !PATTERNS.includes(pattern)) {
    fail(`unknown pattern "${pattern}"; use one of: auto, ${PATTERNS.join(", ")}`);
  }
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
  if (o.writers !== undefined && o.writers !== "serial" && o.writers !== "worktree")
    fail(`\`writers\` must be "serial" or "worktree", got "${o.writers}"`);
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
