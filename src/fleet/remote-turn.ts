import type { WorkerEvent } from "../backends/types.ts";
import type { RunningTurn, StopReason, TurnOptions, TurnOutcome } from "../core/turn.ts";
import type { FleetMessage } from "./protocol.ts";

export interface RemoteTurnHooks {
  /** Asks whichever worker holds the turn to stop it (or drops the job if none took it yet). */
  requestStop(reason: StopReason, graceMs: number, worker: string | undefined): Promise<"removed" | "sent">;
  /** The turn settled: its job needs no more messages. */
  settled(outcome: TurnOutcome, worker: string | undefined): void;
}

/**
 * The submitter's side of one turn running on a worker: the pool sees a `RunningTurn` like a local
 * one. Messages of one execution count; when a worker dies and the job runs again elsewhere, the
 * new execution replaces the old and late messages of the old are ignored, so the turn settles once.
 */
export class RemoteTurn implements RunningTurn {
  readonly pid: number | undefined = undefined;
  readonly done: Promise<TurnOutcome>;
  #resolve!: (outcome: TurnOutcome) => void;
  #settled = false;
  #exec: string | undefined;
  #worker: string | undefined;
  #stopping: StopReason | undefined;
  readonly #options: TurnOptions;
  readonly #hooks: RemoteTurnHooks;
  #watchdog: NodeJS.Timeout | undefined;
  readonly #noWorkerMs: number;
  readonly #overdueMs: number;

  constructor(options: TurnOptions, hooks: RemoteTurnHooks, lockDurationMs: number) {
    this.#options = options;
    this.#hooks = hooks;
    this.done = new Promise((resolve) => {
      this.#resolve = resolve;
    });
    // Bounds for what Redis cannot tell: no worker at all, or one that vanished for good.
    this.#noWorkerMs = options.turnTimeoutMs || 30 * 60_000;
    this.#overdueMs =
      (options.turnTimeoutMs || 30 * 60_000) + (options.killGraceMs ?? 1_000) + 2 * lockDurationMs + 10_000;
    this.#arm(
      this.#noWorkerMs,
      "failed",
      `no worker took the turn within ${this.#noWorkerMs} ms; is \`baton worker --queue …\` running for this backend?`,
    );
  }

  /** The worker holding the turn now, once one started it. */
  get worker(): string | undefined {
    return this.#worker;
  }

  receive(message: FleetMessage): void {
    if (this.#settled) return;
    if (message.kind === "started") {
      const previous = this.#worker;
      this.#exec = message.exec;
      this.#worker = message.worker;
      if (previous && previous !== message.worker)
        this.#options.onEvent?.({
          type: "error",
          message: `worker ${previous} stopped answering; the turn runs again on worker ${message.worker}`,
        });
      this.#options.onEvent?.({
        type: "unknown",
        raw: { fleet: "started", worker: message.worker, host: message.host },
      });
      // A turn asked to stop keeps the stop's shorter bound; any other gets the whole turn's.
      if (!this.#stopping)
        this.#arm(
          this.#overdueMs,
          "timed_out",
          `worker ${message.worker} did not finish the turn or answer within ${this.#overdueMs} ms`,
        );
      if (this.#stopping)
        void this.#hooks.requestStop(this.#stopping, this.#options.killGraceMs ?? 1_000, message.worker);
      return;
    }
    if (message.exec !== this.#exec) return; // an execution that was replaced
    if (message.kind === "event") this.#options.onEvent?.(message.event as WorkerEvent);
    else if (message.kind === "stderr") this.#options.onStderr?.(message.text);
    else this.#settle(message.outcome);
  }

  async stop(reason: StopReason, graceMs = this.#options.killGraceMs ?? 1_000): Promise<void> {
    if (this.#settled) return;
    this.#stopping ??= reason;
    const how = await this.#hooks.requestStop(reason, graceMs, this.#worker).catch(() => "sent" as const);
    if (how === "removed") this.#settle(stoppedOutcome(reason, "stopped before a worker took it"));
    // A worker confirms with its outcome; one that never does (gone with its machine) is not waited for.
    this.#arm(graceMs + 5_000, reason, `stopped (${reason}); the worker did not confirm`);
    await this.done;
  }

  /** Settles from outside: the job could not be queued, or the worker holding its conversation is gone. */
  abandon(reason: TurnOutcome["endReason"], error: string): void {
    this.#settle(stoppedOutcome(reason, error));
  }

  #arm(ms: number, reason: TurnOutcome["endReason"], error: string): void {
    clearTimeout(this.#watchdog);
    this.#watchdog = setTimeout(() => this.#settle(stoppedOutcome(reason, error)), ms);
    this.#watchdog.unref();
  }

  #settle(outcome: TurnOutcome): void {
    if (this.#settled) return;
    this.#settled = true;
    clearTimeout(this.#watchdog);
    this.#hooks.settled(outcome, this.#worker);
    this.#resolve(outcome);
  }
}

function stoppedOutcome(endReason: TurnOutcome["endReason"], error: string): TurnOutcome {
  return { endReason, error, usageIsCumulative: false, exitCode: null, signal: null };
}
