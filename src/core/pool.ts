import type { Backend } from "../backends/types.ts";
import { BatonError } from "../errors.ts";
import {
  type Agent,
  type AgentSnapshot,
  agentStatus,
  newAgent,
  type SpawnOptions,
  snapshotOf,
} from "./agent.ts";
import { POOL_DEFAULTS } from "./defaults.ts";
import { type HaltReason, PoolEngine } from "./engine.ts";
import { EventHub } from "./event-hub.ts";
import type { PoolEvent } from "./pool-events.ts";
import { checkConcurrency, isBackend, type PoolOptions, warnListener } from "./pool-options.ts";
import { Supervisor } from "./process/supervisor.ts";
import { ScratchDir } from "./scratch.ts";
import type { AgentStatus } from "./status.ts";
import { killAtOnceOnAbort } from "./turn.ts";
import { type WaitOptions, type WaitResult, waitFor } from "./wait.ts";

export type { HaltReason } from "./engine.ts";
export type { PoolEvent } from "./pool-events.ts";
export type { PoolOptions } from "./pool-options.ts";
export type { RateLimitOptions } from "./retry.ts";

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
  readonly supervisor: Supervisor;
  readonly #ownsSupervisor: boolean;
  readonly #defaultBackend: string;
  readonly #backends: Record<string, Backend>;
  readonly #options: PoolOptions;
  readonly #events: EventHub<PoolEvent>;
  readonly #engine: PoolEngine;
  readonly #scratch: ScratchDir;
  #nextId = 1;

  constructor(options: PoolOptions) {
    this.#options = options;
    const backends = options.backends;
    this.#backends = isBackend(backends) ? { [backends.name]: backends } : backends;
    const names = Object.keys(this.#backends);
    if (names.length === 0)
      throw new BatonError("E_USAGE", "Pool: `backends` must name at least one backend");
    this.#defaultBackend = names[0]!;
    if (options.maxTokens !== undefined && !(Number.isInteger(options.maxTokens) && options.maxTokens > 0)) {
      throw new BatonError("E_USAGE", `Pool: maxTokens must be a whole number > 0, got ${options.maxTokens}`);
    }
    const concurrency = checkConcurrency(options.concurrency ?? POOL_DEFAULTS.concurrency);
    this.#scratch = new ScratchDir(options.scratchDir);
    this.#ownsSupervisor = options.supervisor === undefined;
    this.supervisor = options.supervisor ?? new Supervisor();
    this.#events = new EventHub(options.onListenerError ?? warnListener);
    if (options.onEvent) this.#events.on(options.onEvent);
    this.#engine = new PoolEngine(
      {
        backends: this.#backends,
        supervisor: this.supervisor,
        scope: this.supervisor.scope(),
        cwd: options.cwd,
        turnTimeoutMs: options.turnTimeoutMs,
        stallTimeoutMs: options.stallTimeoutMs,
        killGraceMs: options.killGraceMs ?? POOL_DEFAULTS.killGraceMs,
        maxTokens: options.maxTokens,
        rateLimit: options.rateLimit ?? {},
        scratchRoot: () => this.#scratch.root(),
        turns: options.turns,
      },
      this.#events,
      concurrency,
    );
    if (options.signal?.aborted) void this.cancelAll();
    else options.signal?.addEventListener("abort", () => void this.cancelAll(), { once: true });
  }

  /** True once the token budget was reached. */
  get budgetExhausted(): boolean {
    return this.#engine.halted === "budget_exhausted";
  }

  /** Tokens used by all agents so far (input + output). */
  get usedTokens(): number {
    return this.#engine.usedTokens;
  }

  get concurrency(): number {
    return this.#engine.concurrency;
  }

  /** Changes the number of turns allowed at once (running turns are never stopped for it). */
  setConcurrency(value: number): void {
    this.#engine.concurrency = checkConcurrency(value);
    this.#engine.effective = this.#engine.concurrency;
    this.#engine.pump();
  }

  /** Registers an agent and queues its first turn. Returns its id at once. */
  spawn(options: SpawnOptions): string {
    if (this.#engine.shutDown)
      throw new BatonError("E_CLOSED", "the pool has been shut down; create a new one");
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
    if (this.#engine.agents.has(id))
      throw new BatonError("E_USAGE", `spawn: the id "${id}" is already in use`, { agentId: id });
    const agent = newAgent(id, backend, options, Date.now());
    this.#engine.agents.set(id, agent);
    this.#engine.emit({
      type: "agent.spawned",
      agentId: id,
      label: agent.label,
      role: options.role ?? "worker",
      backend,
      message: options.message,
      cwd: options.cwd ?? this.#options.cwd ?? process.cwd(),
    });
    if (agent.phase !== "queued") return id; // a listener closed it already
    this.#engine.enqueue(agent);
    const signal = options.signal;
    if (signal?.aborted) void this.#engine.cancel(agent, "cancelled");
    else
      signal?.addEventListener("abort", () => void this.#engine.cancel(agent, "cancelled"), { once: true });
    return id;
  }

  /** Waits until all (or any) of `ids` reach a final status, or `timeoutMs` passes. Never throws for unknown ids. */
  wait(ids: readonly string[], options: WaitOptions = {}): Promise<WaitResult> {
    return waitFor(ids, options, (id) => this.#engine.agents.get(id));
  }

  /**
   * Gives an agent its next message. Idle (completed/errored/interrupted): starts the next turn on the
   * same thread. Running: queued for the next turn, or with `interrupt` the current turn is stopped and
   * the next starts at once with this message.
   */
  sendInput(id: string, message: string, options: { interrupt?: boolean } = {}): { submissionId: string } {
    const agent = this.#require(id, "send_input");
    if (typeof message !== "string" || message.trim() === "") {
      throw new BatonError("E_USAGE", "send_input: `message` must be a non-empty string", { agentId: id });
    }
    const interrupt = options.interrupt === true;
    const submission = { id: `${id}:${++agent.submissions}`, message };
    // Each message is its own turn; an interrupting one goes before those queued earlier.
    if (interrupt) agent.inbox.unshift(submission);
    else agent.inbox.push(submission);
    this.#engine.emit({ type: "agent.input", agentId: id, message, interrupt });
    if (interrupt && agent.phase === "running") void this.#stopTurn(agent);
    else if (agent.phase === "idle") {
      this.#engine.nextTurnFromInbox(agent, "input");
      this.#engine.enqueue(agent);
    }
    return { submissionId: submission.id };
  }

  /**
   * Stops the agent's running turn without giving it a new message; queued messages then run as usual.
   * Returns the status the agent had (an idle or queued agent is left as it is).
   */
  async interrupt(id: string): Promise<{ previousStatus: AgentStatus }> {
    const agent = this.#require(id, "interrupt_agent");
    const previous = agentStatus(agent);
    if (agent.phase === "running") await this.#stopTurn(agent);
    return { previousStatus: previous };
  }

  /** Drops a closed agent from memory (its record stays wherever onEvent wrote it); false if it is not closed. */
  forget(id: string): boolean {
    const agent = this.#engine.agents.get(id);
    if (agent?.phase !== "closed") return false;
    agent.listeners.clear();
    return this.#engine.agents.delete(id);
  }

  #stopTurn(agent: Agent): Promise<void> {
    this.#engine.move(agent, "stop");
    return agent.current!.stop("interrupted", this.#options.killGraceMs ?? POOL_DEFAULTS.killGraceMs);
  }

  /**
   * Irreversible: kills the agent's whole process tree if it runs, and frees its slot. When `signal`
   * aborts, the close stops waiting for the turn's graceful end (SIGTERM, then `killGraceMs`) and kills
   * the tree at once; it still completes: the agent ends closed and nothing it started is left running.
   */
  async close(id: string, options: { signal?: AbortSignal } = {}): Promise<{ previousStatus: AgentStatus }> {
    const agent = this.#engine.agents.get(id);
    if (!agent) return { previousStatus: "not_found" };
    const previous = agentStatus(agent);
    const { signal } = options;
    if (agent.phase === "closed" || agent.closing) {
      const current = agent.current;
      await killAtOnceOnAbort(current, signal, async () => current?.done);
      return { previousStatus: previous };
    }
    agent.closing = true;
    agent.inbox.length = 0;
    const current = agent.current;
    if (current) {
      if (agent.phase === "running") this.#engine.move(agent, "stop");
      const grace = this.#options.killGraceMs ?? POOL_DEFAULTS.killGraceMs;
      await killAtOnceOnAbort(current, signal, () => current.stop("closed", grace).then(() => current.done));
      // The turn's end moved the agent to `closed` (keeping a completion that won the race).
    } else {
      const cut = agent.phase === "queued" || agent.phase === "backoff";
      agent.pending = undefined;
      this.#engine.clearTimer(agent);
      if (cut) {
        agent.endReason = "closed";
        agent.error = "closed while working";
      }
      agent.endReason ??= "closed";
      this.#engine.move(agent, "close");
    }
    await this.#engine.release(agent);
    this.#engine.emit({ type: "agent.closed", agentId: id, previousStatus: previous });
    return { previousStatus: previous };
  }

  /**
   * Stops every running or queued turn with the given end reason (default `cancelled`), and every turn
   * asked for later too: after a cancel, a run deadline or the budget, nothing new starts. Finished
   * results stay; agents stay open for reading.
   */
  cancelAll(reason: HaltReason = "cancelled"): Promise<void> {
    return this.#engine.halt(reason);
  }

  get(id: string): AgentSnapshot | undefined {
    const agent = this.#engine.agents.get(id);
    return agent && snapshotOf(agent);
  }

  list(): AgentSnapshot[] {
    return [...this.#engine.agents.values()].map(snapshotOf);
  }

  /**
   * Every pool event from now on, as an async iterable (optionally one agent's only); it ends at
   * shutdown or when `signal` aborts. Events are buffered while the consumer is busy.
   *
   * @example
   * for await (const event of pool.events({ agentId: id })) if (event.type === "turn.ended") break;
   */
  events(options: { agentId?: string; signal?: AbortSignal } = {}): AsyncIterableIterator<PoolEvent> {
    const { agentId, signal } = options;
    const accept =
      agentId === undefined ? undefined : (e: PoolEvent) => "agentId" in e && e.agentId === agentId;
    return this.#events.stream(accept, signal);
  }

  /** Closes every agent (killing what runs; `signal` as for `close`) and removes the pool's temporary files. */
  async shutdown(options: { signal?: AbortSignal } = {}): Promise<void> {
    this.#engine.shutDown = true;
    await Promise.all([...this.#engine.agents.keys()].map((id) => this.close(id, options)));
    await this.#engine.closeSessions();
    this.#events.close();
    if (this.#ownsSupervisor) this.supervisor.dispose();
    this.#scratch.remove();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown();
  }

  #require(id: string, op: string) {
    const agent = this.#engine.agents.get(id);
    if (!agent)
      throw new BatonError(
        "E_NOT_FOUND",
        `${op}: no agent with id "${id}"; list_agents shows the open ones`,
        { agentId: id },
      );
    if (agent.phase === "closed" || agent.closing) {
      throw new BatonError(
        "E_CLOSED",
        `${op}: agent "${id}" was closed; close is irreversible — spawn a new agent`,
        { agentId: id },
      );
    }
    return agent;
  }
}
