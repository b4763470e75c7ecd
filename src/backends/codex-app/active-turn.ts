import { addUsage, type Usage, ZERO_USAGE } from "../../core/usage.ts";
import { rateLimitOf } from "../codex/events.ts";
import type { SessionTurnHooks, WorkerEvent } from "../types.ts";
import { killThread, signalThread } from "./commands.ts";
import { execShapedItem } from "./items.ts";
import { NOTIFICATIONS, type Notification, type NotificationMethod, type TokenUsage } from "./protocol.ts";
import type { AppServer } from "./server.ts";

/**
 * One turn running on the app-server: turns the thread's notifications into the worker event union,
 * stops it (interrupt, then the thread's commands killed), and ends it once its commands are gone.
 */
export class ActiveTurn {
  readonly hooks: SessionTurnHooks;
  readonly ended: Promise<void>;
  server: AppServer | undefined;
  threadId: string | undefined;
  #turnId: string | undefined;
  /** Turn-scoped notifications that came before this turn's id was known. */
  #early: [string, unknown][] = [];
  /** The tag the thread's commands carry on this server. */
  threadTag: string;
  stopping = false;
  /** Whether the turn started a command (only then can it have left processes behind). */
  #ranCommand = false;
  #usage: Usage = ZERO_USAGE;
  #lastError: string | undefined;
  #over = false;
  #resolve!: () => void;
  #completed!: () => void;
  readonly #completedSignal = new Promise<void>((resolve) => {
    this.#completed = resolve;
  });

  constructor(hooks: SessionTurnHooks) {
    this.hooks = hooks;
    this.threadTag = hooks.tag;
    this.ended = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  get turnId(): string | undefined {
    return this.#turnId;
  }

  /** `turn/start` answered: notifications held back until now are handled if they are this turn's. */
  set turnId(id: string) {
    this.#turnId = id;
    for (const [method, params] of this.#early.splice(0)) this.notify(method, params);
  }

  get over(): boolean {
    return this.#over;
  }

  /** A notification about this turn's thread. */
  notify(method: string, params: unknown): void {
    if (this.#over) return;
    this.hooks.onActivity?.();
    if (!(method in NOTIFICATIONS)) return;
    const parsed = NOTIFICATIONS[method as NotificationMethod].safeParse(params);
    if (!parsed.success) {
      this.emit({ type: "unknown", raw: { method, params } });
      return;
    }
    const p = parsed.data as Record<string, unknown>;
    // Notifications of an earlier (stopped) turn of the thread are not this turn's. Those that come before
    // `turn/start`'s answer is read (the answer settles a promise, a notification is handled at once) wait.
    const turnOf = typeof p.turnId === "string" ? p.turnId : (p.turn as { id?: string } | undefined)?.id;
    if (turnOf !== undefined && this.#turnId === undefined) {
      this.#early.push([method, params]);
      return;
    }
    if (turnOf !== undefined && turnOf !== this.#turnId) return;
    switch (method) {
      case "item/started":
      case "item/completed": {
        const item = execShapedItem(p.item as Parameters<typeof execShapedItem>[0]);
        if (item?.type === "command_execution") this.#ranCommand = true;
        if (item) this.emit({ type: method === "item/started" ? "item.started" : "item.completed", item });
        return;
      }
      case "thread/tokenUsage/updated":
        // One update per model request; `last` is that request's usage.
        this.#usage = addUsage(this.#usage, toUsage((p.tokenUsage as { last: TokenUsage }).last));
        return;
      case "error": {
        const { error, willRetry } = p as { error: { message: string }; willRetry: boolean };
        if (!willRetry) this.#lastError = error.message;
        this.emit({ type: "error", message: error.message });
        return;
      }
      case "turn/started":
        this.emit({ type: "turn.started" });
        return;
      case "turn/completed":
        this.#turnCompleted((p as Notification<"turn/completed">).turn);
        return;
    }
  }

  #turnCompleted(turn: Notification<"turn/completed">["turn"]): void {
    this.#completed();
    if (this.stopping) return; // stop() ends it
    if (turn.status === "completed") {
      this.emit({ type: "turn.completed", usage: this.#usage, usageIsCumulative: false });
    } else {
      const message =
        turn.error?.message ??
        this.#lastError ??
        (turn.status === "interrupted" ? "codex interrupted the turn" : `the turn ended ${turn.status}`);
      const limited = /rateLimit|usageLimit/.test(JSON.stringify(turn.error?.codexErrorInfo ?? ""));
      this.emit({
        type: "turn.failed",
        message,
        ...rateLimitOf(message),
        ...(limited ? { rateLimited: true } : {}),
      });
    }
    this.finish();
  }

  /** Ends the turn as failed (the server died, a request failed) unless it is over already. */
  fail(message: string): void {
    if (this.#over) return;
    if (!this.stopping) this.emit({ type: "turn.failed", message });
    this.finish(true);
  }

  /** Interrupts the turn, asks its commands to stop, and kills what is left after `graceMs`. */
  async stop(graceMs: number, interrupt: () => Promise<unknown>): Promise<void> {
    if (this.#over) return this.ended;
    this.stopping = true;
    if (this.turnId) {
      void interrupt().catch(() => {});
      const since = this.server?.startTicks ?? 0;
      if (graceMs > 0) {
        signalThread(this.threadTag, since, "SIGTERM");
        await Promise.race([this.#completedSignal, new Promise((resolve) => setTimeout(resolve, graceMs))]);
      }
    }
    this.finish();
    return this.ended;
  }

  /** Kills whatever the thread's commands left running, then reports the turn as over. Idempotent. */
  finish(sweep = false): void {
    if (this.#over) return;
    this.#over = true;
    this.#completed();
    // A turn that ran no command has nothing to sweep; a stopped or failed one is swept anyway (a command
    // may have started just before its item was reported).
    if (sweep || this.#ranCommand || this.stopping) killThread(this.threadTag, this.server?.startTicks ?? 0);
    this.#resolve();
  }

  emit(event: WorkerEvent): void {
    if (!this.#over) this.hooks.onEvent(event);
  }
}

function toUsage(u: TokenUsage): Usage {
  return {
    inputTokens: u.inputTokens,
    cachedInputTokens: u.cachedInputTokens,
    outputTokens: u.outputTokens,
    reasoningTokens: u.reasoningOutputTokens,
  };
}
