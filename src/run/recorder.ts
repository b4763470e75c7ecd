import { createWriteStream, mkdirSync, type WriteStream, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { PoolEvent } from "../core/pool.ts";
import { writeJsonAtomic } from "../store/atomic.ts";
import { Journal } from "../store/journal.ts";

/**
 * Writes the run record from pool events: the journal (lifecycle, one line each) and per agent its
 * prompts, raw events, stderr, final message and usage — everything a person needs to understand or
 * resume the run, in plain files under `.baton/runs/<run-id>/`.
 */
export class RunRecorder {
  readonly dir: string;
  readonly journal: Journal;
  readonly #streams = new Map<string, { events: WriteStream; stderr: WriteStream }>();
  /** Streams closed at a turn's end whose last writes may still be on their way to disk. */
  readonly #ending = new Set<Promise<void>>();

  constructor(dir: string) {
    this.dir = dir;
    mkdirSync(join(dir, "agents"), { recursive: true });
    this.journal = new Journal(join(dir, "journal.jsonl"));
  }

  agentDir(agentId: string): string {
    return join(this.dir, "agents", agentId);
  }

  readonly onPoolEvent = (event: PoolEvent): void => {
    switch (event.type) {
      case "agent.spawned":
        mkdirSync(this.agentDir(event.agentId), { recursive: true });
        this.journal.append({
          type: "agent.spawned",
          agentId: event.agentId,
          label: event.label,
          role: event.role,
          backend: event.backend,
        });
        break;
      case "turn.started":
        writeFileSync(join(this.agentDir(event.agentId), `prompt-${event.turn}.md`), event.prompt);
        this.journal.append({
          type: "turn.started",
          agentId: event.agentId,
          turn: event.turn,
          pid: event.pid,
        });
        break;
      case "worker.event":
        this.#stream(event.agentId).events.write(`${JSON.stringify({ turn: event.turn, ...event.event })}\n`);
        break;
      case "worker.stderr":
        this.#stream(event.agentId).stderr.write(event.text);
        break;
      case "turn.ended": {
        // Two descriptors per agent for the whole run would run out at a few hundred agents: close
        // them now; a next turn reopens in append mode.
        this.#closeStreams(event.agentId);
        const dir = this.agentDir(event.agentId);
        if (event.finalMessage !== undefined) writeFileSync(join(dir, "final.md"), event.finalMessage);
        this.journal.append({
          type: "turn.ended",
          agentId: event.agentId,
          turn: event.turn,
          status: event.status,
          endReason: event.endReason,
          error: event.error,
          usage: event.usage,
        });
        break;
      }
      case "turn.retry":
        this.journal.append({ ...event });
        break;
      case "budget.exhausted":
        this.journal.append({ ...event });
        break;
      case "agent.input":
        this.journal.append({
          type: "agent.input",
          agentId: event.agentId,
          message: event.message,
          interrupt: event.interrupt,
        });
        break;
      case "agent.closed":
        this.journal.append({
          type: "agent.closed",
          agentId: event.agentId,
          previousStatus: event.previousStatus,
        });
        break;
    }
  };

  writeJson(name: string, value: unknown): void {
    writeJsonAtomic(join(this.dir, name), value);
  }

  writeAgentJson(agentId: string, name: string, value: unknown): void {
    writeJsonAtomic(join(this.agentDir(agentId), name), value);
  }

  writeText(name: string, text: string): void {
    writeFileSync(join(this.dir, name), text);
  }

  /** Flushes and closes the per-agent streams. */
  async close(): Promise<void> {
    const ends: Promise<void>[] = [];
    for (const { events, stderr } of this.#streams.values()) {
      for (const s of [events, stderr]) ends.push(new Promise((resolve) => s.end(resolve)));
    }
    this.#streams.clear();
    await Promise.all([...ends, ...this.#ending]);
  }

  #closeStreams(agentId: string): void {
    const s = this.#streams.get(agentId);
    if (!s) return;
    this.#streams.delete(agentId);
    for (const stream of [s.events, s.stderr]) {
      const ended = new Promise<void>((resolve) => stream.end(resolve));
      this.#ending.add(ended);
      void ended.then(() => this.#ending.delete(ended));
    }
  }

  #stream(agentId: string): { events: WriteStream; stderr: WriteStream } {
    let s = this.#streams.get(agentId);
    if (!s) {
      const dir = this.agentDir(agentId);
      mkdirSync(dir, { recursive: true });
      s = {
        events: createWriteStream(join(dir, "events.jsonl"), { flags: "a" }),
        stderr: createWriteStream(join(dir, "stderr.log"), { flags: "a" }),
      };
      this.#streams.set(agentId, s);
    }
    return s;
  }
}
