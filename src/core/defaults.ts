/**
 * Every default of the core and of runs, in one place, each with its unit in its name. Options that
 * leave a value out get the one here; docs and `--help` name the same numbers.
 */
export const POOL_DEFAULTS = {
  /** Turns running at once (Codex's agents.max_threads). */
  concurrency: 6,
  /** Deadline of one turn. */
  turnTimeoutMs: 30 * 60_000,
  /** No output for this long kills a turn. */
  stallTimeoutMs: 10 * 60_000,
  /** SIGTERM → SIGKILL grace when a process is stopped (close, cancel, interrupt). */
  killGraceMs: 1_000,
  /** The same grace when a deadline or the stall watchdog stops it: it already overran. */
  watchdogGraceMs: 500,
  /** After a process exited and its tree was swept, how long its pipes may stay open before baton stops reading. */
  pipeDrainMs: 2_000,
  sandbox: "read-only",
} as const;

export const RATE_LIMIT_DEFAULTS = {
  /** Re-queues of one turn before it ends as `rate_limited`. */
  maxRetries: 5,
  /** First backoff; doubles per retry, with up to 50% random jitter. */
  baseDelayMs: 1_000,
  /** Longest backoff (a longer retry-after hint is still honoured). */
  maxDelayMs: 60_000,
} as const;

export const RUN_DEFAULTS = {
  /** Worker turns at once in a run. */
  concurrency: 4,
  /** Deadline of each worker turn in a run. */
  timeoutMs: 10 * 60_000,
  /** No worker output for this long kills its turn. */
  stallTimeoutMs: 5 * 60_000,
  /** Deadline of a `--setup` or `--verify` command. */
  userCommandTimeoutMs: 10 * 60_000,
  /** Deadline of one git command baton runs (a rebase of a big branch included); a hung one is killed. */
  gitTimeoutMs: 5 * 60_000,
} as const;
