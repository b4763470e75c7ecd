import { closeSync, mkdirSync, openSync, readFileSync, readSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { AgentSnapshot } from "../core/agent.ts";
import type { Pool } from "../core/pool.ts";
import { type AgentStatus, type EndReason, isFinal } from "../core/status.ts";
import type { Usage } from "../core/usage.ts";
import { BatonError } from "../errors.ts";

/** What stays in memory of a closed agent: a few fields. Its texts are in the run record on disk. */
export interface ClosedAgent {
  id: string;
  label: string;
  endReason: EndReason;
  error?: string;
  usage: Usage;
  turns: number;
  submissionId?: string;
  threadId?: string;
  createdAt: number;
  closedAt: number;
  /** Size of the final message in bytes (0: none). */
  finalBytes: number;
}

export type BookEntry = { live: AgentSnapshot; closed?: never } | { closed: ClosedAgent; live?: never };

/**
 * The agents of one MCP session: open ones in the pool, closed ones as small tombstones whose final
 * message is read back from `agentDir(id)/final.md` — so 2000 closed agents cost kilobytes, not their text.
 */
export class AgentBook {
  readonly pool: Pool;
  readonly #agentDir: (id: string) => string;
  readonly #closed = new Map<string, ClosedAgent>();
  /** Every id in spawn order (open and closed). */
  readonly #order: string[] = [];

  constructor(pool: Pool, agentDir: (id: string) => string) {
    this.pool = pool;
    this.#agentDir = agentDir;
  }

  added(id: string): void {
    this.#order.push(id);
  }

  get size(): number {
    return this.#order.length;
  }

  entry(id: string): BookEntry | undefined {
    const closed = this.#closed.get(id);
    if (closed) return { closed };
    const live = this.pool.get(id);
    return live ? { live } : undefined;
  }

  /** A page of entries in spawn order, from position `start`. */
  page(start: number, limit: number): BookEntry[] {
    return this.#order
      .slice(start, start + limit)
      .map((id) => this.entry(id))
      .filter((e) => e !== undefined);
  }

  isClosed(id: string): boolean {
    return this.#closed.has(id);
  }

  /** Status of `id` right now; `not_found` for an id never spawned. */
  status(id: string): AgentStatus {
    if (this.#closed.has(id)) return "shutdown";
    return this.pool.get(id)?.status ?? "not_found";
  }

  isFinal(id: string): boolean {
    return isFinal(this.status(id));
  }

  /** Closes the agent (killing what runs), then keeps only its tombstone in memory. */
  async close(id: string, signal?: AbortSignal): Promise<{ previousStatus: AgentStatus }> {
    if (this.#closed.has(id)) return { previousStatus: "shutdown" };
    const result = await this.pool.close(id, { signal });
    const agent = this.pool.get(id);
    if (agent && agent.status === "shutdown") {
      const last = agent.turns.at(-1);
      this.#closed.set(id, {
        id,
        label: agent.label,
        endReason: agent.endReason ?? "closed",
        error: agent.error,
        usage: agent.usage,
        turns: agent.turns.length,
        submissionId: last?.submissionId,
        threadId: agent.threadId,
        createdAt: agent.createdAt,
        closedAt: Date.now(),
        finalBytes: Buffer.byteLength(agent.finalMessage ?? ""),
      });
      // The record holds each turn's final message; this is the agent's last non-empty one.
      if (agent.finalMessage) {
        mkdirSync(this.#agentDir(id), { recursive: true });
        writeFileSync(this.#finalFile(id), agent.finalMessage);
      }
      this.pool.forget(id);
    }
    return result;
  }

  /** The whole final message (open agents from memory, closed ones from disk), or undefined. */
  finalText(id: string): string | undefined {
    const closed = this.#closed.get(id);
    if (!closed) return this.pool.get(id)?.finalMessage;
    if (closed.finalBytes === 0) return undefined;
    try {
      return readFileSync(this.#finalFile(id), "utf8");
    } catch (error) {
      throw new BatonError(
        "E_IO",
        `the final message of ${id} is not readable: ${(error as Error).message}`,
        {
          agentId: id,
        },
      );
    }
  }

  /** At most `maxBytes` of the final message of a closed agent, read from disk. */
  finalHead(id: string, maxBytes: number): string | undefined {
    const closed = this.#closed.get(id);
    if (!closed) return this.pool.get(id)?.finalMessage;
    if (closed.finalBytes === 0) return undefined;
    const buffer = Buffer.alloc(Math.min(maxBytes + 4, closed.finalBytes));
    let fd: number | undefined;
    try {
      fd = openSync(this.#finalFile(id), "r");
      const read = readSync(fd, buffer, 0, buffer.length, 0);
      return buffer.subarray(0, read).toString("utf8");
    } catch {
      return undefined;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  finalBytes(id: string): number {
    const closed = this.#closed.get(id);
    if (closed) return closed.finalBytes;
    return Buffer.byteLength(this.pool.get(id)?.finalMessage ?? "");
  }

  #finalFile(id: string): string {
    return join(this.#agentDir(id), "final.md");
  }
}
