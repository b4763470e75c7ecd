import { join } from "node:path";
import {
  type Backend,
  type BackendSession,
  isSessionBackend,
  type SessionBackend,
} from "../backends/types.ts";
import type { Agent, PendingTurn } from "./agent.ts";
import { POOL_DEFAULTS } from "./defaults.ts";
import type { PoolEvent } from "./pool-events.ts";
import type { Supervisor } from "./process/supervisor.ts";
import type { RateLimitOptions } from "./retry.ts";
import { type RunningTurn, startTurn, type TurnOutcome, type TurnStarter } from "./turn.ts";

/** What the pool fixes for all its turns. */
export interface EngineSettings {
  backends: Record<string, Backend>;
  supervisor: Supervisor;
  /** The pool's tag scope: every turn's tag starts with it. */
  scope: string;
  cwd?: string;
  turnTimeoutMs?: number;
  stallTimeoutMs?: number;
  killGraceMs: number;
  maxTokens?: number;
  rateLimit: RateLimitOptions;
  scratchRoot: () => string;
  turns?: TurnStarter;
}

/**
 * Starts an agent's pending turn with its backend: the request, the limits and the tag, and for a
 * session backend the pool's one session of it (opened by its first turn, closed at shutdown).
 */
export class TurnLauncher {
  readonly #settings: EngineSettings;
  readonly #sessions = new Map<string, BackendSession>();

  constructor(settings: EngineSettings) {
    this.#settings = settings;
  }

  /** Starts the pending turn with its backend; whatever fails on the way becomes the turn's failure. */
  start(agent: Agent, pending: PendingTurn, emit: (event: PoolEvent) => void): RunningTurn {
    const { turn, attempt, prompt } = pending;
    try {
      const s = this.#settings;
      const o = agent.options;
      const backend = s.backends[agent.backend]!;
      return (s.turns ?? startTurn)(
        backend,
        {
          agentId: agent.id,
          prompt,
          threadId: pending.threadId,
          cwd: o.cwd ?? s.cwd ?? process.cwd(),
          sandbox: o.sandbox ?? POOL_DEFAULTS.sandbox,
          outputSchema: o.outputSchema,
          instructions: o.instructions,
          model: o.model,
          reasoningEffort: o.reasoningEffort,
          webSearch: o.webSearch,
          // Created by the backend only if it writes there (most turns write nothing).
          scratchDir: join(s.scratchRoot(), agent.id, attempt > 1 ? `${turn}.${attempt}` : String(turn)),
        },
        {
          supervisor: s.supervisor,
          // One tag per attempt: a late kill of a finished one can never hit the next.
          tag: `${s.scope}:${agent.id}:${turn}${attempt > 1 ? `.${attempt}` : ""}`,
          turnTimeoutMs: o.turnTimeoutMs ?? s.turnTimeoutMs ?? POOL_DEFAULTS.turnTimeoutMs,
          stallTimeoutMs: o.stallTimeoutMs ?? s.stallTimeoutMs ?? POOL_DEFAULTS.stallTimeoutMs,
          killGraceMs: s.killGraceMs,
          onEvent: (event) => {
            agent.lastActivityAt = Date.now();
            if (event.type === "thread.started") agent.threadId = event.threadId;
            emit({ type: "worker.event", agentId: agent.id, turn, event });
          },
          onStderr: (text) => emit({ type: "worker.stderr", agentId: agent.id, turn, text }),
        },
        isSessionBackend(backend) ? this.#session(agent.backend, backend) : undefined,
      );
    } catch (error) {
      const outcome: TurnOutcome = {
        endReason: "failed",
        error: `the turn could not start: ${error instanceof Error ? error.message : String(error)}`,
        usageIsCumulative: false,
        exitCode: null,
        signal: null,
      };
      return { pid: undefined, done: Promise.resolve(outcome), stop: () => Promise.resolve() };
    }
  }

  #session(name: string, backend: SessionBackend): BackendSession {
    let session = this.#sessions.get(name);
    if (!session) {
      session = backend.openSession({
        tagPrefix: this.#settings.scope,
        supervisor: this.#settings.supervisor,
      });
      this.#sessions.set(name, session);
    }
    return session;
  }

  /** The agent was closed: its backend's session forgets its thread. */
  async release(agent: Agent): Promise<void> {
    await this.#sessions.get(agent.backend)?.release(agent.id);
  }

  /** Stops every session's long-lived processes (at shutdown). */
  async closeSessions(): Promise<void> {
    const sessions = [...this.#sessions.values()];
    this.#sessions.clear();
    await Promise.all(sessions.map((session) => session.close()));
  }
}
