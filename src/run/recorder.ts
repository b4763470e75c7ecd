import { createWriteStream, type WriteStream } from "node:fs";
import { join } from "node:path";
import { isJournaled, type PoolEvent } from "../core/pool-events.ts";
import { BatonError, isBatonError } from "../errors.ts";
import { writeJsonAtomic } from "../store/atomic.ts";
import { Journal, type JournalEntry, type JournalInput } from "../store/journal.ts";
import { FILE_MODE, makePrivateDir, writePrivateFile } from "../store/private-fs.ts";
import { type RunView, runSnapshot } from "./view.ts";

/**
 * Writes the run record from pool events: the journal (lifecycle, one line each) and per agent its
 * prompts, raw events, stderr, final message and usage — everything a person needs to understand or
 * resume the run, in plain files under `.baton/runs/<run-id>/` (0700 directories, 0600 files).
 *
 * Writing never throws into the run: a failed write (disk full, a directory made unwritable) is kept
 * as `fault` (the first one, naming the path) and reported once through `onFault`, so the run can stop
 * its workers gracefully and end `failed` instead of dying on an uncaught exception.
 */
export class RunRecorder {
  readonly dir: string;
  readonly journal: Journal;
  /** The first write that failed; later failures are counted, not reported again. */
  fault: BatonError | undefined;
  onFault: ((fault: BatonError) => void) | undefined;
  readonly #streams = new Map<string, { events: WriteStream; stderr: WriteStream }>();
  /** Streams closed at a turn's end whose last writes may still be on their way to disk. */
  readonly #ending = new Set<Promise<void>>();

  constructor(dir: string) {
    this.dir = dir;
    makePrivateDir(join(dir, "agents"));
    const journal = new Journal(join(dir, "journal.jsonl"));
    // Every append goes through the guard, including those made by the run context and the writers.
    const append = journal.append.bind(journal);
    journal.append = (entry: JournalInput): JournalEntry => {
      let written: JournalEntry | undefined;
      this.#guard(journal.file, () => {
        written = append(entry);
      });
      return written ?? ({ v: 0, seq: -1, at: new Date().toISOString(), ...entry } as JournalEntry);
    };
    this.journal = journal;
  }

  agentDir(agentId: string): string {
    return join(this.dir, "agents", agentId);
  }

  /** Journals the pool's lifecycle events (the line schema keeps what the journal holds) and writes the agent's files. */
  readonly onPoolEvent = (event: PoolEvent): void => {
    switch (event.type) {
      case "agent.spawned":
        this.#guard(this.agentDir(event.agentId), () => makePrivateDir(this.agentDir(event.agentId)));
        break;
      case "turn.started":
        this.#write(join(this.agentDir(event.agentId), `prompt-${event.turn}.md`), event.prompt);
        break;
      case "worker.event":
        this.#stream(event.agentId)?.events.write(
          `${JSON.stringify({ turn: event.turn, ...event.event })}\n`,
        );
        break;
      case "worker.stderr":
        this.#stream(event.agentId)?.stderr.write(event.text);
        break;
      case "turn.ended":
        // Two descriptors per agent for the whole run would run out at a few hundred agents: close
        // them now; a next turn reopens in append mode.
        this.#closeStreams(event.agentId);
        // final.md is what a resume answers from: on disk before the line that says the turn completed.
        if (event.finalMessage !== undefined)
          this.#write(join(this.agentDir(event.agentId), "final.md"), event.finalMessage, true);
        break;
    }
    if (isJournaled(event)) this.journal.append(event);
  };

  /** Writes `run.json`: the view through its schema (one that does not match it is a fault, `E_INTERNAL`). */
  writeView(view: RunView): void {
    const file = join(this.dir, "run.json");
    this.#guard(file, () => writeJsonAtomic(file, runSnapshot(view)));
  }

  writeJson(name: string, value: unknown): void {
    const file = join(this.dir, name);
    this.#guard(file, () => writeJsonAtomic(file, value));
  }

  writeAgentJson(agentId: string, name: string, value: unknown): void {
    const file = join(this.agentDir(agentId), name);
    this.#guard(file, () => writeJsonAtomic(file, value));
  }

  writeText(name: string, text: string): void {
    this.#write(join(this.dir, name), text);
  }

  /** Flushes and closes the per-agent streams. */
  async close(): Promise<void> {
    const ends: Promise<void>[] = [];
    for (const { events, stderr } of this.#streams.values()) {
      for (const s of [events, stderr]) ends.push(endStream(s));
    }
    this.#streams.clear();
    await Promise.all([...ends, ...this.#ending]);
  }

  #write(file: string, text: string, flush = false): void {
    this.#guard(file, () => writePrivateFile(file, text, flush));
  }

  #guard(path: string, write: () => void): void {
    try {
      write();
    } catch (error) {
      this.#failed(path, error);
    }
  }

  #failed(path: string, error: unknown): void {
    if (this.fault) return;
    // A line its schema refused is a bug in baton, not a disk that failed: it keeps its own code.
    if (isBatonError(error, "E_INTERNAL")) {
      this.fault = error;
      this.onFault?.(error);
      return;
    }
    const reason = (error as NodeJS.ErrnoException).code ?? "";
    const message = error instanceof Error ? error.message : String(error);
    this.fault = new BatonError(
      "E_IO",
      `cannot write the run record: ${path}: ${message}${reason === "ENOSPC" ? " (the disk is full; free space, then baton resume)" : ""}`,
      { file: path, cause: error },
    );
    this.onFault?.(this.fault);
  }

  #closeStreams(agentId: string): void {
    const s = this.#streams.get(agentId);
    if (!s) return;
    this.#streams.delete(agentId);
    for (const stream of [s.events, s.stderr]) {
      const ended = endStream(stream);
      this.#ending.add(ended);
      void ended.then(() => this.#ending.delete(ended));
    }
  }

  #stream(agentId: string): { events: WriteStream; stderr: WriteStream } | undefined {
    let s = this.#streams.get(agentId);
    if (!s) {
      const dir = this.agentDir(agentId);
      this.#guard(dir, () => makePrivateDir(dir));
      const open = (file: string) =>
        createWriteStream(file, { flags: "a", mode: FILE_MODE }).on("error", (error) =>
          this.#failed(file, error),
        );
      s = { events: open(join(dir, "events.jsonl")), stderr: open(join(dir, "stderr.log")) };
      this.#streams.set(agentId, s);
    }
    return s;
  }
}

/** Resolves when the stream is closed, also when it failed (its error was already reported). */
function endStream(stream: WriteStream): Promise<void> {
  if (stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once("close", resolve);
    stream.end();
  });
}
