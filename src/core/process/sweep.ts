import { killTreeNow } from "./kill.ts";
import { descendantsOf, type ProcInfo, snapshot, taggedProcesses } from "./procfs.ts";

interface Exited {
  pid: number;
  tag: string;
  startTicks: number;
  done: () => void;
}

/** What a sweep needs of the process table; replaceable in tests. */
export interface SweepTable {
  snapshot(): ProcInfo[];
  kill(pid: number, tag: string, startTicks: number): void;
}

const PROC: SweepTable = { snapshot, kill: (pid, tag, ticks) => void killTreeNow(pid, tag, ticks) };

/**
 * After a worker exits, kills whatever it left behind (children re-parented to init, shells in their
 * own session). Workers that exit in the same event-loop turn share one pass over the process table:
 * with many short workers, one sweep per exit would dominate baton's CPU.
 */
export class ExitSweeper {
  readonly #table: SweepTable;
  readonly #onError: (error: unknown) => void;
  #pending: Exited[] = [];

  constructor(onError: (error: unknown) => void, table: SweepTable = PROC) {
    this.#onError = onError;
    this.#table = table;
  }

  /** Resolves once the tree of `pid` is gone (or the sweep failed: it never rejects). */
  afterExit(pid: number, tag: string, startTicks: number): Promise<void> {
    return new Promise((done) => {
      this.#pending.push({ pid, tag, startTicks, done });
      if (this.#pending.length === 1) setImmediate(() => this.#sweep());
    });
  }

  #sweep(): void {
    const batch = this.#pending;
    this.#pending = [];
    try {
      const table = this.#table.snapshot();
      const byTag = new Map(batch.map((b) => [b.tag, b]));
      const survivors = new Set<Exited>();
      for (const b of batch) if (descendantsOf(b.pid, table).some((p) => p.state !== "Z")) survivors.add(b);
      const oldest = Math.min(...batch.map((b) => b.startTicks));
      for (const p of taggedProcesses((t) => byTag.has(t), oldest, table)) survivors.add(byTag.get(p.tag)!);
      // Only trees where something is left get the full stop-and-kill treatment.
      for (const b of survivors) this.#table.kill(b.pid, b.tag, b.startTicks);
    } catch (error) {
      this.#onError(error);
    } finally {
      // A failed sweep must not keep any waiter (and so any pool slot) forever.
      for (const b of batch) b.done();
    }
  }
}
