import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Backend, type BackendSession, isSessionBackend, type WorkerEvent } from "../backends/types.ts";
import { BatonError } from "../errors.ts";
import { type Agent, type AgentSnapshot, newAgent, type SpawnOptions, snapshotOf } from "./agent.ts";
import { newTagPrefix } from "./registry.ts";
import { type AgentStatus, type EndReason, isFinal, statusForEnd } from "./status.ts";
import { startTurn, type TurnOutcome, type TurnStarter } from "./turn.ts";
import { addUsage, subtractUsage, totalTokens, type Usage, ZERO_USAGE } from "./usage.ts";
import { type WaitOptions, type WaitResult, waitFor } from "./wait.ts";

export interface PoolOptions {
  /** One backend, or several by name (the first is the default). */
  backends: Backend | Record<string, Backend>;
  /** Turns running at once; more are queued FIFO. Default 6 (Codex's agents.max_threads). */
  concurrency?: number;
  /** Default per-turn deadline. Default 30 minutes. */
  turnTimeoutMs?: number;
  /** Default stall watchdog: no worker output for this long kills the turn. Default 10 minutes. */
  stallTimeoutMs?: number;
  /** SIGTERM → SIGKILL grace when a turn is stopped. Default 1000 ms. */
  killGraceMs?: number;
  /** Working directory of agents that do not set one. Default: process.cwd(). */
  cwd?: string;
  /** Where per-agent scratch files go (output schemas). Default: a temporary directory removed on shutdown. */
  scratchDir?: string;
  /**
   * Fleet-wide token budget (input + output, all agents). Once reached, no turn starts and running
   * turns are stopped; their end reason is `budget_exhausted` and what they produced is kept.
   */
  maxTokens?: number;
  /** Re-queueing of turns that failed on a rate limit (HTTP 429). */
  rateLimit?: RateLimitOptions;
  /** Every lifecycle and worker event, in order, e.g. for a journal or a live view. */
  onEvent?: (event: PoolEvent) => void;
  /** Starts each turn; default: here (`startTurn`). The worker fleet runs them on other machines. */
  turns?: TurnStarter;
}

export type HaltReason = "cancelled" | "budget_exhausted" | "timed_out";

export interface RateLimitOptions {
  /** Re-queues of one turn before it ends as `rate_limited`. Default 5. */
  maxRetries?: number;
  /** First backoff; doubles per retry, with up to 50% random jitter. Default 1000 ms. */
  baseDelayMs?: number;
  /** Longest backoff (a longer retry-after hint is still honoured). Default 60000 ms. */
  maxDelayMs?: number;
}

export type PoolEvent =
  | {
      type: "agent.spawned";
      agentId: string;
      label: string;
      role: string;
      backend: string;
      message: string;
      /** The agent's working directory (where `baton attach` resumes its conversation). */
      cwd: string;
    }
  | { type: "turn.started"; agentId: string; turn: number; pid?: number; prompt: string }
  | { type: "worker.event"; agentId: string; turn: number; event: WorkerEvent }
  | { type: "worker.stderr"; agentId: string; turn: number; text: string }
  | {
      type: "turn.ended";
      agentId: string;
      turn: number;
      status: AgentStatus;
      endReason: EndReason;
      error?: string;
      finalMessage?: string;
      usage: Usage;
      rateLimited?: boolean;
      retryAfterMs?: number;
    }
  | {
      type: "turn.retry";
      agentId: string;
      turn: number;
      attempt: number;
      delayMs: number;
      error: string;
      concurrency: number;
    }
  | { type: "budget.exhausted"; usedTokens: number; maxTokens: number }
  | { type: "agent.input"; agentId: string; message: string; interrupt: boolean }
  | { type: "agent.closed"; agentId: string; previousStatus: AgentStatus };

/**
 * The sub-agent lifecycle: spawn → wait → [send_input] → close, over any backend.
 *
 * @example
 * const pool = new Pool({ backends: codexBackend(), concurrency: 4 });
 * const id = pool.spawn({ message: "Review src/ for risks" });
 * const { status } = await pool.wait([id], { timeoutMs: 300_000 });
 * await pool.close(id);
 */
export class Pool {
  readonly #backends: Record<string, Backend>;
  readonly #defaultBackend: string;
  readonly #options: PoolOptions;
  readonly #agents = new Map<string, Agent>();
  readonly #queue: Agent[] = [];
  #queueHead = 0;
  #running = 0;
  #concurrency: number;
  #nextId = 1;
  #scratch: string | undefined;
  #ownsScratch = false;
  #shutDown = false;
  /** Concurrency actually used: lowered while rate limits persist, raised back as turns succeed. */
  #effective: number;
  #usedTokens = 0;
  /** Set by cancelAll (and the budget): from then on no turn starts; new ones end with this reason. */
  #halted: HaltReason | undefined;
  readonly #retryTimers = new Set<NodeJS.Timeout>();
  readonly #tagPrefix = newTagPrefix();
  /** Sessions of session backends (one long-lived server each), opened by their first turn. */
  readonly #sessions = new Map<string, BackendSession>();

  constructor(options: PoolOptions) {
    this.#options = options;
    const backends = options.backends;
    this.#backends = isBackend(backends) ? { [backends.name]: backends } : backends;
    const names = Object.keys(this.#backends);
    if (names.length === 0)
      throw new BatonError("E_USAGE", "Pool: `backends` must name at least one backend");
    this.#defaultBackend = names[0]!;
    this.#concurrency = checkConcurrency(options.concurrency ?? 6);
    this.#effective = this.#concurrency;
    if (options.maxTokens !== undefined && !(Number.isInteger(options.maxTokens) && options.maxTokens > 0)) {
      throw new BatonError("E_USAGE", `maxTokens must be a whole number > 0, got ${options.maxTokens}`);
    }
  }

  /** True once the token budget was reached. */
  get budgetExhausted(): boolean {
    return this.#halted === "budget_exhausted";
  }

  /** Tokens used by all agents so far (input + output). */
  get usedTokens(): number {
    return this.#usedTokens;
  }

  get concurrency(): number {
    return this.#concurrency;
  }

  /** Changes the number of turns allowed at once (running turns are never stopped for it). */
  setConcurrency(value: number): void {
    this.#concurrency = checkConcurrency(value);
    this.#effective = this.#concurrency;
    this.#pump();
  }

  /** Registers an agent and queues its first turn. Returns its id at once. */
  spawn(options: SpawnOptions): string {
    if (this.#shutDown) throw new BatonError("E_CLOSED", "the pool has been shut down; create a new one");
    if (typeof options.message !== "string" || options.message.trim() === "") {
      throw new BatonError("E_USAGE", "spawn: `message` must be a non-empty string (the agent's task)");
    }
    const backend = options.backend ?? this.#defaultBackend;
    if (!this.#backends[backend]) {
      throw new BatonError(
        "E_USAGE",
        `spawn: unknown backend "${backend}"; known: ${Object.keys(this.#backends).join(", ")}`,
      );
    }
    const id = options.id ?? `agent-${this.#nextId++}`;
    if (this.#agents.has(id))
      throw new BatonError("E_USAGE", `spawn: the id "${id}" is already in use`, { agentId: id });
    const agent = newAgent(id, backend, options, Date.now());
    this.#agents.set(id, agent);
    this.#emit({
      type: "agent.spawned",
      agentId: id,
      label: agent.label,
      role: options.role ?? "worker",
      backend,
      message: options.message,
      cwd: options.cwd ?? this.#options.cwd ?? process.cwd(),
    });
    this.#enqueue(agent);
    return id;
  }

  /** Waits until all (or any) of `ids` reach a final status, or `timeoutMs` passes. Never throws for unknown ids. */
  wait(ids: readonly string[], options: WaitOptions = {}): Promise<WaitResult> {
    return waitFor(ids, options, (id) => this.#agents.get(id));
  }

  /**
   * Gives an agent its next message. Idle (completed/errored/interrupted): starts the next turn on the
   * same thread. Running: queued for the next turn, or with `interrupt` the current turn is stopped and
   * the next starts at once with this message.
   */
  sendInput(id: string, message: string, options: { interrupt?: boolean } = {}): { submission_id: string } {
    const agent = this.#require(id, "send_input");
    if (typeof message !== "string" || message.trim() === "") {
      throw new BatonError("E_USAGE", "send_input: `message` must be a non-empty string", { agentId: id });
    }
    const interrupt = options.interrupt === true;
    this.#emit({ type: "agent.input", agentId: id, message, interrupt });
    const submission = { id: `${id}:${++agent.submissions}`, message };
    // Each message is its own turn; an interrupting one goes before those queued earlier.
    if (interrupt) agent.inbox.unshift(submission);
    else agent.inbox.push(submission);
    if (agent.status === "running" && interrupt && agent.current) {
      void agent.current.stop("interrupted", this.#options.killGraceMs ?? 1_000);
    } else if (agent.status !== "running" && agent.status !== "pending_init") {
      this.#startNextFromInbox(agent);
    }
    return { submission_id: submission.id };
  }

  /**
   * Stops the agent's running turn without giving it a new message; queued messages then run as usual.
   * Returns the status the agent had (an idle or queued agent is left as it is).
   */
  async interrupt(id: string): Promise<{ previous_status: AgentStatus }> {
    const agent = this.#require(id, "interrupt_agent");
    const previous = agent.status;
    if (previous === "running" && agent.current) {
      await agent.current.stop("interrupted", this.#options.killGraceMs ?? 1_000);
    }
    return { previous_status: previous };
  }

  /** Drops a closed agent from memory (its record stays wherever onEvent wrote it); false if it is not closed. */
  forget(id: string): boolean {
    const agent = this.#agents.get(id);
    if (agent?.status !== "shutdown") return false;
    agent.listeners.clear();
    return this.#agents.delete(id);
  }

  /** Irreversible: kills the agent's whole process tree if it runs, and frees its slot. */
  async close(id: string): Promise<{ previous_status: AgentStatus }> {
    const agent = this.#agents.get(id);
    if (!agent) return { previous_status: "not_found" };
    const previous = agent.status;
    if (previous === "shutdown") return { previous_status: previous };
    agent.nextPrompt = undefined;
    agent.inbox.length = 0;
    const current = agent.current;
    if (current) {
      await current.stop("closed", this.#options.killGraceMs ?? 1_000);
      await current.done;
    }
    // An idle agent keeps the end reason of its last turn; one whose work was cut off ends as `closed`.
    const cut = previous === "running" || previous === "pending_init";
    this.#finish(
      agent,
      "shutdown",
      cut ? "closed" : (agent.endReason ?? "closed"),
      cut ? "closed while working" : agent.error,
    );
    await this.#sessions.get(agent.backend)?.release(id);
    this.#emit({ type: "agent.closed", agentId: id, previousStatus: previous });
    return { previous_status: previous };
  }

  /**
   * Stops every running or queued turn with the given end reason (default `cancelled`), and every turn
   * asked for later too: after a cancel, a run deadline or the budget, nothing new starts. Finished
   * results stay; agents stay open for reading.
   */
  async cancelAll(reason: HaltReason = "cancelled"): Promise<void> {
    this.#halted ??= reason;
    const stops: Promise<void>[] = [];
    for (const agent of this.#agents.values()) {
      agent.inbox.length = 0;
      if (agent.current) stops.push(agent.current.stop(reason, this.#options.killGraceMs ?? 1_000));
      else if (agent.status === "pending_init") {
        agent.nextPrompt = undefined;
        this.#finish(agent, statusForEnd(reason), reason, `stopped before it started (${reason})`);
      }
    }
    await Promise.all(stops);
  }

  get(id: string): AgentSnapshot | undefined {
    const agent = this.#agents.get(id);
    return agent && snapshotOf(agent);
  }

  list(): AgentSnapshot[] {
    return [...this.#agents.values()].map(snapshotOf);
  }

  /** Closes every agent (killing what runs) and removes the pool's temporary files. */
  async shutdown(): Promise<void> {
    this.#shutDown = true;
    for (const timer of this.#retryTimers) clearTimeout(timer);
    this.#retryTimers.clear();
    await Promise.all([...this.#agents.keys()].map((id) => this.close(id)));
    await Promise.all([...this.#sessions.values()].map((session) => session.close()));
    this.#sessions.clear();
    if (this.#ownsScratch && this.#scratch) rmSync(this.#scratch, { recursive: true, force: true });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown();
  }

  #require(id: string, op: string): Agent {
    const agent = this.#agents.get(id);
    if (!agent)
      throw new BatonError(
        "E_NOT_FOUND",
        `${op}: no agent with id "${id}"; list_agents shows the open ones`,
        { agentId: id },
      );
    if (agent.status === "shutdown") {
      throw new BatonError(
        "E_CLOSED",
        `${op}: agent "${id}" was closed; close is irreversible — spawn a new agent`,
        { agentId: id },
      );
    }
    return agent;
  }

  #startNextFromInbox(agent: Agent): void {
    const next = agent.inbox.shift()!;
    agent.nextPrompt = next.message;
    agent.nextSubmission = next.id;
    this.#setStatus(agent, "pending_init");
    this.#enqueue(agent);
  }

  #enqueue(agent: Agent): void {
    this.#queue.push(agent);
    this.#pump();
  }

  #pump(): void {
    while (this.#running < this.#effective && this.#queueHead < this.#queue.length) {
      const agent = this.#queue[this.#queueHead++]!;
      if (this.#queueHead > 1024 && this.#queueHead * 2 > this.#queue.length) {
        this.#queue.splice(0, this.#queueHead);
        this.#queueHead = 0;
      }
      if (agent.nextPrompt === undefined || agent.status !== "pending_init") continue; // closed or cancelled meanwhile
      if (this.#halted) {
        agent.nextPrompt = undefined;
        const why =
          this.#halted === "budget_exhausted"
            ? `the run's token budget of ${this.#options.maxTokens} is used up`
            : `not started: the pool was stopped (${this.#halted})`;
        this.#finish(agent, statusForEnd(this.#halted), this.#halted, why);
        continue;
      }
      this.#run(agent, agent.nextPrompt);
    }
  }

  #run(agent: Agent, prompt: string): void {
    agent.nextPrompt = undefined;
    this.#running++;
    const turn = agent.turns.length + 1;
    const submissionId = agent.nextSubmission ?? `${agent.id}:${agent.submissions}`;
    const record = {
      turn,
      submissionId,
      prompt,
      startedAt: Date.now(),
      usage: ZERO_USAGE,
    } as Agent["turns"][number];
    agent.turns.push(record);
    // Created by the backend only if it writes there (most turns write nothing).
    const scratchDir = join(this.#scratchRoot(), agent.id, String(turn));
    const o = agent.options;
    const backend = this.#backends[agent.backend]!;
    const running = (this.#options.turns ?? startTurn)(
      backend,
      {
        agentId: agent.id,
        prompt,
        threadId: agent.threadId,
        cwd: o.cwd ?? this.#options.cwd ?? process.cwd(),
        sandbox: o.sandbox ?? "read-only",
        outputSchema: o.outputSchema,
        instructions: o.instructions,
        model: o.model,
        reasoningEffort: o.reasoningEffort,
        webSearch: o.webSearch,
        scratchDir,
      },
      {
        // One tag per turn: a late kill of a finished turn can never hit the next one.
        tag: `${this.#tagPrefix}:${agent.id}:${turn}`,
        turnTimeoutMs: o.turnTimeoutMs ?? this.#options.turnTimeoutMs ?? 30 * 60_000,
        stallTimeoutMs: o.stallTimeoutMs ?? this.#options.stallTimeoutMs ?? 10 * 60_000,
        killGraceMs: this.#options.killGraceMs ?? 1_000,
        onEvent: (event) => {
          agent.lastActivityAt = Date.now();
          if (event.type === "thread.started") agent.threadId = event.threadId;
          this.#emit({ type: "worker.event", agentId: agent.id, turn, event });
        },
        onStderr: (text) => this.#emit({ type: "worker.stderr", agentId: agent.id, turn, text }),
      },
      isSessionBackend(backend) ? this.#session(agent.backend, backend) : undefined,
    );
    agent.current = running;
    record.pid = running.pid;
    this.#setStatus(agent, "running");
    this.#emit({ type: "turn.started", agentId: agent.id, turn, pid: running.pid, prompt });
    void running.done.then((outcome) => this.#turnEnded(agent, record, outcome));
  }

  #turnEnded(agent: Agent, record: Agent["turns"][number], outcome: TurnOutcome): void {
    this.#running--;
    agent.current = undefined;
    if (outcome.threadId) agent.threadId = outcome.threadId;
    let usage = ZERO_USAGE;
    if (outcome.usage) {
      usage = outcome.usageIsCumulative ? subtractUsage(outcome.usage, agent.cumulativeSeen) : outcome.usage;
      if (outcome.usageIsCumulative) agent.cumulativeSeen = outcome.usage;
    }
    agent.usage = addUsage(agent.usage, usage);
    this.#usedTokens += totalTokens(usage);
    Object.assign(record, { endedAt: Date.now(), endReason: outcome.endReason, usage, error: outcome.error });
    this.#checkBudget();
    if (outcome.finalMessage !== undefined && outcome.finalMessage !== "")
      agent.finalMessage = outcome.finalMessage;
    else if (outcome.endReason === "completed") agent.finalMessage = outcome.finalMessage ?? "";

    if (agent.status === "shutdown" || outcome.endReason === "closed") {
      // close() finishes the agent itself.
    } else if (
      outcome.endReason === "failed" &&
      outcome.rateLimited &&
      this.#retryRateLimited(agent, record, outcome, usage)
    ) {
      return;
    } else if (
      agent.inbox.length > 0 &&
      (outcome.endReason === "completed" || outcome.endReason === "interrupted")
    ) {
      // Queued input (or an interrupt) continues on the same thread.
      this.#emitEnded(agent, record, outcome, usage, "running");
      this.#startNextFromInbox(agent);
      this.#pump();
      return;
    } else {
      if (outcome.endReason === "completed") {
        agent.rateLimitRetries = 0;
        if (this.#effective < this.#concurrency) this.#effective++;
      }
      const reason: EndReason =
        outcome.endReason === "interrupted"
          ? "cancelled"
          : outcome.endReason === "failed" && outcome.rateLimited
            ? "rate_limited"
            : outcome.endReason;
      this.#finish(agent, statusForEnd(reason), reason, outcome.error);
    }
    this.#emitEnded(agent, record, outcome, usage, agent.status);
    this.#pump();
  }

  /** Re-queues a rate-limited turn after a jittered backoff and lowers concurrency; false when retries are used up. */
  #retryRateLimited(
    agent: Agent,
    record: Agent["turns"][number],
    outcome: TurnOutcome,
    usage: Usage,
  ): boolean {
    const limits = this.#options.rateLimit ?? {};
    const attempt = (agent.rateLimitRetries ?? 0) + 1;
    if (attempt > (limits.maxRetries ?? 5) || this.#halted || this.#shutDown) return false;
    agent.rateLimitRetries = attempt;
    const base = (limits.baseDelayMs ?? 1_000) * 2 ** (attempt - 1);
    const backoff = Math.min(limits.maxDelayMs ?? 60_000, base) * (1 + Math.random() * 0.5);
    const delayMs = Math.round(Math.max(backoff, outcome.retryAfterMs ?? 0));
    this.#effective = Math.max(1, Math.floor(this.#effective / 2));
    this.#emitEnded(agent, record, outcome, usage, "pending_init");
    this.#emit({
      type: "turn.retry",
      agentId: agent.id,
      turn: record.turn,
      attempt,
      delayMs,
      error: outcome.error ?? "rate limited",
      concurrency: this.#effective,
    });
    // The retried turn continues the thread that existed before the failed one.
    agent.threadId = agent.turns.length > 1 ? agent.threadId : undefined;
    agent.nextPrompt = record.prompt;
    this.#setStatus(agent, "pending_init");
    const timer = setTimeout(() => {
      this.#retryTimers.delete(timer);
      if (agent.nextPrompt !== undefined && agent.status === "pending_init") this.#enqueue(agent);
    }, delayMs);
    this.#retryTimers.add(timer);
    this.#pump();
    return true;
  }

  #checkBudget(): void {
    const max = this.#options.maxTokens;
    if (max === undefined || this.#halted || this.#usedTokens < max) return;
    this.#emit({ type: "budget.exhausted", usedTokens: this.#usedTokens, maxTokens: max });
    void this.cancelAll("budget_exhausted");
  }

  #emitEnded(
    agent: Agent,
    record: Agent["turns"][number],
    outcome: TurnOutcome,
    usage: Usage,
    status: AgentStatus,
  ): void {
    this.#emit({
      type: "turn.ended",
      agentId: agent.id,
      turn: record.turn,
      status,
      endReason: outcome.endReason,
      error: outcome.error,
      finalMessage: outcome.finalMessage,
      usage,
      rateLimited: outcome.rateLimited,
      retryAfterMs: outcome.retryAfterMs,
    });
  }

  #finish(agent: Agent, status: AgentStatus, reason: EndReason, error?: string): void {
    agent.endReason = reason;
    agent.error = reason === "completed" ? undefined : (error ?? agent.error);
    this.#setStatus(agent, status);
  }

  #setStatus(agent: Agent, status: AgentStatus): void {
    agent.status = status;
    agent.lastActivityAt = Date.now();
    if (isFinal(status)) for (const listener of [...agent.listeners]) listener();
  }

  #session(name: string, backend: Extract<Backend, { kind: "session" }>): BackendSession {
    let session = this.#sessions.get(name);
    if (!session) {
      session = backend.openSession({ tagPrefix: this.#tagPrefix });
      this.#sessions.set(name, session);
    }
    return session;
  }

  #scratchRoot(): string {
    if (!this.#scratch) {
      if (this.#options.scratchDir) this.#scratch = this.#options.scratchDir;
      else {
        this.#scratch = mkdtempSync(join(tmpdir(), "baton-pool-"));
        this.#ownsScratch = true;
      }
    }
    return this.#scratch;
  }

  #emit(event: PoolEvent): void {
    this.#options.onEvent?.(event);
  }
}

function isBackend(value: PoolOptions["backends"]): value is Backend {
  return typeof (value as Backend).name === "string" && typeof (value as Backend).resolve === "function";
}

function checkConcurrency(value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new BatonError("E_USAGE", `concurrency must be a whole number ≥ 1, got ${value}`);
  }
  return value;
}
