import { BatonError } from "../../errors.ts";
import { checkPromptSize } from "../codex/backend.ts";
import type { BackendSession, SessionContext, SessionTurn, SessionTurnHooks, TurnRequest } from "../types.ts";
import { ActiveTurn } from "./active-turn.ts";
import { killThread } from "./commands.ts";
import {
  SERVER_REQUEST_ANSWERS,
  ThreadResult,
  TurnStartResult,
  threadSettings,
  turnStartParams,
} from "./protocol.ts";
import { RpcTimeout } from "./rpc.ts";
import { AppServer, type AppServerSpec } from "./server.ts";

export type SessionSpec = Omit<AppServerSpec, "tag" | "supervisor"> & {
  /**
   * Threads a server loads before the next thread goes to a fresh server: an app-server keeps every
   * thread it loaded (`thread/unsubscribe` gives back nothing), so a long session would grow without end.
   */
  threadsPerServer: number;
};

interface LoadedThread {
  threadId: string;
  tag: string;
  server: AppServer;
}

/**
 * One long-lived `codex app-server` serving every agent of a pool, each agent a thread. A server that
 * exits or stops answering ends the turns it was running (`turn.failed` with the reason); the next turn
 * starts a new server and resumes its thread by id. A server that has loaded `threadsPerServer` threads
 * is retired: new turns go to a fresh server (an idle agent's thread is resumed there by id), and the
 * old one is stopped once its last running turn has ended.
 */
export class CodexAppSession implements BackendSession {
  readonly #spec: SessionSpec;
  readonly #context: SessionContext;
  #server: Promise<AppServer> | undefined;
  /** The server `#server` resolved to, once it has. */
  #current: AppServer | undefined;
  #generation = 0;
  #closed = false;
  /** agent id → its thread on the current server. */
  readonly #threads = new Map<string, LoadedThread>();
  /** thread id → its running turn. */
  readonly #turns = new Map<string, ActiveTurn>();
  /** Why a server was killed for not answering (its exit alone would say only "killed by SIGKILL"). */
  readonly #hungReason = new WeakMap<AppServer, string>();
  /** Threads each live server has loaded (started or resumed). */
  readonly #loaded = new Map<AppServer, number>();
  /** Turns given a server, from then until they end (also while their thread is still starting). */
  readonly #onServer = new Set<ActiveTurn>();
  /** Servers that take no new threads and stop when their last turn ends. */
  readonly #retired = new Set<AppServer>();
  /** The next server is started because the last one was retired, not because it failed. */
  #recycling = false;

  constructor(spec: SessionSpec, context: SessionContext) {
    this.#spec = spec;
    this.#context = context;
  }

  startTurn(request: TurnRequest, hooks: SessionTurnHooks): SessionTurn {
    const turn = new ActiveTurn(hooks);
    void this.#run(turn, request);
    return {
      get pid() {
        return turn.server?.pid;
      },
      ended: turn.ended,
      stop: (graceMs) => turn.stop(graceMs, () => this.#interrupt(turn)),
    };
  }

  async release(agentId: string): Promise<void> {
    const thread = this.#threads.get(agentId);
    if (!thread) return;
    this.#threads.delete(agentId);
    killThread(thread.tag, thread.server.startTicks);
    await thread.server.rpc
      .request("thread/unsubscribe", { threadId: thread.threadId }, this.#spec.requestTimeoutMs)
      .catch(() => {}); // a dead server has forgotten it anyway
  }

  async close(): Promise<void> {
    this.#closed = true;
    const server = this.#server;
    this.#server = undefined;
    this.#current = undefined;
    for (const turn of this.#turns.values()) turn.fail("the pool was shut down");
    const retired = [...this.#retired];
    this.#retired.clear();
    await Promise.all([(await server?.catch(() => undefined))?.kill(), ...retired.map((r) => r.kill())]);
  }

  async #run(turn: ActiveTurn, request: TurnRequest): Promise<void> {
    try {
      if (this.#closed) throw new BatonError("E_CLOSED", "the codex-app session was closed");
      checkPromptSize(request);
      const server = await this.#currentServer(turn);
      turn.server = server;
      this.#onServer.add(turn);
      void turn.ended.then(() => {
        this.#onServer.delete(turn);
        this.#stopIfDrained(server);
      });
      if (turn.stopping) return turn.finish();
      const thread = await this.#thread(server, request, turn);
      turn.threadId = thread.threadId;
      turn.threadTag = thread.tag;
      this.#turns.set(thread.threadId, turn);
      void turn.ended.then(() => {
        if (this.#turns.get(thread.threadId) === turn) this.#turns.delete(thread.threadId);
      });
      turn.emit({ type: "thread.started", threadId: thread.threadId });
      if (turn.stopping) return turn.finish();
      const params = turnStartParams(thread.threadId, request);
      const started = TurnStartResult.parse(
        await server.rpc.request("turn/start", params, this.#spec.requestTimeoutMs),
      );
      turn.turnId = started.turn.id;
      if (turn.stopping) void this.#interrupt(turn).catch(() => {});
    } catch (error) {
      if (error instanceof RpcTimeout) void this.#hung(turn.server, error);
      turn.fail(error instanceof Error ? error.message : String(error));
    }
  }

  /** The agent's thread on this server: started fresh, or resumed by id (after a restart or in a new baton). */
  async #thread(server: AppServer, request: TurnRequest, turn: ActiveTurn): Promise<LoadedThread> {
    const known = this.#threads.get(request.agentId);
    if (known && known.server === server && known.threadId === request.threadId) return known;
    const tag = turn.hooks.tag;
    // Every command of this thread carries the thread's own tag: close and stop can find them.
    const settings = threadSettings(request, tag);
    const answer = request.threadId
      ? await server.rpc.request(
          "thread/resume",
          { ...settings, threadId: request.threadId, excludeTurns: true },
          this.#spec.requestTimeoutMs,
        )
      : await server.rpc.request(
          "thread/start",
          { ...settings, ephemeral: false },
          this.#spec.requestTimeoutMs,
        );
    const thread = { threadId: ThreadResult.parse(answer).thread.id, tag, server };
    this.#threads.set(request.agentId, thread);
    const loaded = (this.#loaded.get(server) ?? 0) + 1;
    this.#loaded.set(server, loaded);
    if (loaded >= this.#spec.threadsPerServer && this.#current === server) this.#retire(server);
    return thread;
  }

  #currentServer(turn: ActiveTurn): Promise<AppServer> {
    if (this.#server) return this.#server;
    const generation = ++this.#generation;
    const recycled = this.#recycling;
    this.#recycling = false;
    if (generation > 1 && !recycled) {
      turn.emit({ type: "error", message: `codex app-server restarted (server ${generation} of this pool)` });
    }
    const starting = AppServer.start(
      {
        ...this.#spec,
        tag: `${this.#context.tagPrefix}:codex-app-server:${generation}`,
        supervisor: this.#context.supervisor,
      },
      {
        notification: (method, params) => this.#notification(method, params),
        request: (request) => {
          const answer = SERVER_REQUEST_ANSWERS[request.method];
          if (answer === undefined) request.fail(-32601, `baton does not handle ${request.method}`);
          else request.respond(answer);
        },
      },
    );
    this.#server = starting;
    starting.then(
      (started) => {
        if (this.#server === starting) this.#current = started;
        void started.exited.then((reason) => this.#serverGone(started, reason));
      },
      () => {
        if (this.#server === starting) this.#server = undefined; // the next turn tries again
      },
    );
    return starting;
  }

  #notification(method: string, params: unknown): void {
    const threadId = (params as { threadId?: unknown } | undefined)?.threadId;
    if (typeof threadId === "string") this.#turns.get(threadId)?.notify(method, params);
  }

  #interrupt(turn: ActiveTurn): Promise<unknown> {
    if (!turn.server || !turn.threadId || !turn.turnId) return Promise.resolve();
    const params = { threadId: turn.threadId, turnId: turn.turnId };
    return turn.server.rpc.request("turn/interrupt", params, this.#spec.requestTimeoutMs).catch((error) => {
      if (error instanceof RpcTimeout) void this.#hung(turn.server, error);
    });
  }

  /** A request went unanswered: the server is killed, which ends its turns and makes the next one restart it. */
  async #hung(server: AppServer | undefined, error: RpcTimeout): Promise<void> {
    if (!server) return;
    this.#hungReason.set(server, error.message);
    this.#forget(server);
    await server.kill();
  }

  /** `server` takes no more threads; it stops once no turn runs on it (its threads stay resumable by id). */
  #retire(server: AppServer): void {
    this.#current = undefined;
    this.#server = undefined;
    this.#recycling = true;
    this.#retired.add(server);
    this.#stopIfDrained(server);
  }

  #stopIfDrained(server: AppServer): void {
    if (!this.#retired.has(server)) return;
    for (const turn of this.#onServer) if (turn.server === server) return;
    this.#retired.delete(server);
    void server.kill();
  }

  /** From now on no turn goes to `server`: the next one starts a new server and resumes its thread there. */
  #forget(server: AppServer): void {
    if (this.#current === server) {
      this.#current = undefined;
      this.#server = undefined;
    }
    for (const [agentId, thread] of this.#threads)
      if (thread.server === server) this.#threads.delete(agentId);
  }

  #serverGone(server: AppServer, reason: string): void {
    this.#forget(server);
    this.#loaded.delete(server);
    this.#retired.delete(server);
    const why = this.#hungReason.get(server) ?? reason;
    for (const turn of [...this.#turns.values()]) {
      if (turn.server !== server) continue;
      turn.fail(`${why} during the turn; the next turn restarts it and resumes the thread`);
    }
  }
}
