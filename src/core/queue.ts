import type { Agent } from "./agent.ts";

/**
 * The FIFO of turns waiting for a slot, and the slots. Each entry carries the agent's queue sequence
 * at the time it was queued: an agent queued again later (after a cancel and new input) is served at
 * its new place, and its old entry is skipped.
 */
export class TurnQueue {
  readonly #entries: ({ agent: Agent; seq: number } | undefined)[] = [];
  #head = 0;
  #nextSeq = 1;
  /** Turns holding a slot now. */
  running = 0;

  push(agent: Agent): void {
    agent.queueSeq = this.#nextSeq++;
    this.#entries.push({ agent, seq: agent.queueSeq });
  }

  /** The next queued agent whose turn may start while fewer than `limit` run, if any. */
  next(limit: number): Agent | undefined {
    while (this.running < limit && this.#head < this.#entries.length) {
      const { agent, seq } = this.#entries[this.#head]!;
      // A taken entry must not keep the agent (and its texts) alive once it is closed and forgotten.
      this.#entries[this.#head++] = undefined;
      if (this.#head > 1024 && this.#head * 2 > this.#entries.length) {
        this.#entries.splice(0, this.#head);
        this.#head = 0;
      }
      if (agent.queueSeq === seq && agent.phase === "queued") return agent;
    }
    return undefined;
  }
}
