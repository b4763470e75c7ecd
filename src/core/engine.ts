import { type Agent, agentStatus, type TurnRecord } from "./agent.ts";
import type { EventHub } from "./event-hub.ts";
import { type EngineSettings, TurnLauncher } from "./launcher.ts";
import { type Move, nextPhase } from "./lifecycle.ts";
import type { PoolEvent } from "./pool-events.ts";
import { TurnQueue } from "./queue.ts";
import { backoffDelayMs } from "./retry.ts";
import { type EndReason, isFinal } from "./status.ts";
import type { TurnOutcome } from "./turn.ts";
import { addUsage, subtractUsage, totalTokens, type Usage, ZERO_USAGE } from "./usage.ts";

export type HaltReason = "cancelled" | "budget_exhausted" | "timed_out";

/**
 * The agent state machine at work: the queue, the slots, turns starting and ending, retries, the
 * budget and halts. Every phase change goes through `move` (the table in lifecycle.ts); every event is
 * emitted after the change it reports.
 */
export class PoolEngine {
  readonly agents = new Map<string, Agent>();
  readonly #queue = new TurnQueue();
  readonly #settings: EngineSettings;
  readonly #events: EventHub<PoolEvent>;
  readonly #launcher: TurnLauncher;
  concurrency: number;
  /** Concurrency actually used: lowered while rate limits persist, raised back as turns succeed. */
  effective: number;
  usedTokens = 0;
  /** Set by a halt (cancel, budget, run deadline): from then on no turn starts. */
  halted: HaltReason | undefined;
  shutDown = false;

  constructor(settings: EngineSettings, events: EventHub<PoolEvent>, concurrency: number) {
    this.#settings = settings;
    this.#launcher = new TurnLauncher(settings);
    this.#events = events;
    this.concurrency = concurrency;
    this.effective = concurrency;
  }

  emit(event: PoolEvent): void {
    this.#events.emit(event);
  }

  move(agent: Agent, move: Move): void {
    agent.phase = nextPhase(agent.phase, move, agent.id);
    agent.lastActivityAt = Date.now();
    if (isFinal(agentStatus(agent))) for (const listener of [...agent.listeners]) listener();
  }

  /** Ends an agent's waiting or backing-off turn without running it. */
  drop(agent: Agent, reason: EndReason, error: string): void {
    this.#clearPending(agent);
    this.#rest(agent, reason, error);
    this.move(agent, "halt");
  }

  enqueue(agent: Agent): void {
    this.#queue.push(agent);
    this.pump();
  }

  pump(): void {
    for (let agent = this.#queue.next(this.effective); agent; agent = this.#queue.next(this.effective)) {
      if (this.halted) {
        const why =
          this.halted === "budget_exhausted"
            ? `the run's token budget of ${this.#settings.maxTokens} is used up`
            : `not started: the pool was stopped (${this.halted})`;
        this.drop(agent, this.halted, why);
      } else this.#start(agent);
    }
  }

  /** Stops the agent's work for `reason`: a running turn is stopped, a waiting one ends. */
  async cancel(agent: Agent, reason: HaltReason): Promise<void> {
    agent.inbox.length = 0;
    if (agent.current) {
      if (agent.phase === "running") this.move(agent, "stop");
      await agent.current.stop(reason, this.#settings.killGraceMs);
    } else if (agent.phase === "queued" || agent.phase === "backoff") {
      this.drop(agent, reason, `stopped before it started (${reason})`);
    }
  }

  clearTimer(agent: Agent): void {
    if (agent.retryTimer) clearTimeout(agent.retryTimer);
    agent.retryTimer = undefined;
  }

  #clearPending(agent: Agent): void {
    agent.pending = undefined;
    this.clearTimer(agent);
  }

  #rest(agent: Agent, reason: EndReason, error: string | undefined): void {
    agent.endReason = reason;
    agent.error = reason === "completed" ? undefined : (error ?? agent.error);
  }

  #start(agent: Agent): void {
    const pending = agent.pending!;
    agent.pending = undefined;
    this.move(agent, "start");
    this.#queue.running++;
    const { turn, attempt, prompt, submissionId } = pending;
    const record: TurnRecord = {
      turn,
      attempt,
      submissionId,
      prompt,
      startedAt: Date.now(),
      usage: ZERO_USAGE,
    };
    agent.turns.push(record);
    const running = this.#launcher.start(agent, pending, (event) => this.emit(event));
    agent.current = running;
    record.pid = running.pid;
    this.move(agent, "started");
    this.emit({ type: "turn.started", agentId: agent.id, turn, pid: running.pid, prompt });
    void running.done.then(
      (outcome) => this.#ended(agent, record, pending.threadId, outcome),
      (error: unknown) =>
        this.#ended(agent, record, pending.threadId, {
          endReason: "failed",
          error: `the turn failed inside baton: ${error instanceof Error ? error.message : String(error)}`,
          usageIsCumulative: false,
          exitCode: null,
          signal: null,
        }),
    );
  }

  /** The agent was closed: its backend's session forgets its thread. */
  release(agent: Agent): Promise<void> {
    return this.#launcher.release(agent);
  }

  closeSessions(): Promise<void> {
    return this.#launcher.closeSessions();
  }

  #ended(agent: Agent, record: TurnRecord, threadBefore: string | undefined, outcome: TurnOutcome): void {
    this.#queue.running--;
    agent.current = undefined;
    if (outcome.threadId) agent.threadId = outcome.threadId;
    const usage = this.#countUsage(agent, outcome);
    Object.assign(record, { endedAt: Date.now(), endReason: outcome.endReason, usage, error: outcome.error });
    if (outcome.finalMessage !== undefined && outcome.finalMessage !== "")
      agent.finalMessage = outcome.finalMessage;
    else if (outcome.endReason === "completed") agent.finalMessage = outcome.finalMessage ?? "";
    this.#checkBudget();
    const completed = outcome.endReason === "completed";
    if (completed && this.effective < this.concurrency) this.effective++;

    const retryDelayMs =
      outcome.endReason === "failed" &&
      outcome.rateLimited &&
      !this.halted &&
      !this.shutDown &&
      !agent.closing
        ? backoffDelayMs(record.attempt, this.#settings.rateLimit, outcome.retryAfterMs)
        : undefined;
    if (agent.closing) {
      // A close that raced a natural completion keeps the completion; cut-off work ends as `closed`.
      this.#rest(agent, completed ? "completed" : "closed", completed ? undefined : "closed while working");
      this.move(agent, "close");
    } else if (retryDelayMs !== undefined) {
      agent.pending = {
        prompt: record.prompt,
        submissionId: record.submissionId,
        turn: record.turn,
        attempt: record.attempt + 1,
        threadId: threadBefore,
      };
      agent.threadId = threadBefore;
      this.effective = Math.max(1, Math.floor(this.effective / 2));
      this.move(agent, "backoff");
    } else if (agent.inbox.length > 0 && (completed || outcome.endReason === "interrupted")) {
      // Queued input (or an interrupt) continues on the same thread.
      this.nextTurnFromInbox(agent, "requeue");
    } else {
      const reason: EndReason =
        outcome.endReason === "interrupted"
          ? "cancelled"
          : outcome.endReason === "failed" && outcome.rateLimited
            ? "rate_limited"
            : outcome.endReason;
      this.#rest(agent, reason, outcome.error);
      this.move(agent, "end");
    }
    this.emit({
      type: "turn.ended",
      agentId: agent.id,
      turn: record.turn,
      status: agentStatus(agent),
      endReason: outcome.endReason,
      error: outcome.error,
      finalMessage: outcome.finalMessage,
      usage,
      rateLimited: outcome.rateLimited,
      retryAfterMs: outcome.retryAfterMs,
    });
    if (retryDelayMs !== undefined) this.#scheduleRetry(agent, record, retryDelayMs, outcome.error);
    else if (agent.phase === "queued") this.enqueue(agent);
    this.pump();
  }

  /** Makes the first waiting message the next turn on the same thread (`input` from idle, `requeue` after a turn). */
  nextTurnFromInbox(agent: Agent, move: "input" | "requeue"): void {
    agent.turnCount += 1;
    const next = agent.inbox.shift()!;
    agent.pending = {
      prompt: next.message,
      submissionId: next.id,
      turn: agent.turnCount,
      attempt: 1,
      threadId: agent.threadId,
    };
    this.move(agent, move);
  }

  #scheduleRetry(agent: Agent, record: TurnRecord, delayMs: number, error: string | undefined): void {
    this.emit({
      type: "turn.retry",
      agentId: agent.id,
      turn: record.turn,
      attempt: record.attempt,
      delayMs,
      error: error ?? "rate limited",
      concurrency: this.effective,
    });
    if (agent.phase !== "backoff") return; // a listener closed or cancelled it meanwhile
    agent.retryTimer = setTimeout(() => {
      agent.retryTimer = undefined;
      if (agent.phase !== "backoff") return;
      this.move(agent, "due");
      this.enqueue(agent);
    }, delayMs);
    // A backoff never keeps the host process alive by itself.
    agent.retryTimer.unref();
  }

  #countUsage(agent: Agent, outcome: TurnOutcome): Usage {
    let usage = ZERO_USAGE;
    if (outcome.usage) {
      usage = outcome.usageIsCumulative ? subtractUsage(outcome.usage, agent.cumulativeSeen) : outcome.usage;
      if (outcome.usageIsCumulative) agent.cumulativeSeen = outcome.usage;
    }
    agent.usage = addUsage(agent.usage, usage);
    this.usedTokens += totalTokens(usage);
    return usage;
  }

  #checkBudget(): void {
    const max = this.#settings.maxTokens;
    if (max === undefined || this.halted || this.usedTokens < max) return;
    this.emit({ type: "budget.exhausted", usedTokens: this.usedTokens, maxTokens: max });
    void this.halt("budget_exhausted");
  }

  /** Stops every running or waiting turn, and every turn asked for later. */
  halt(reason: HaltReason): Promise<void> {
    this.halted ??= reason;
    return Promise.all([...this.agents.values()].map((agent) => this.cancel(agent, reason))).then(() => {});
  }
}
