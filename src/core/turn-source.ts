import type { WorkerEvent } from "../backends/types.ts";

/** What a source hands the supervisor: every parsed event, and every sign of life (for the stall watchdog). */
export interface TurnFeed {
  event(event: WorkerEvent): void;
  activity(): void;
  stderr(text: string): void;
}

/** One running turn as the supervisor sees it, whatever runs it. */
export interface TurnSource {
  pid: number | undefined;
  /** Resolves when the turn's process (or request) is over. */
  closed: Promise<SourceEnd>;
  /** Stops it: polite first, for good after `graceMs`. Resolves once everything it started is gone. */
  kill(graceMs: number): Promise<void>;
}

export interface SourceEnd {
  exitCode: number | null;
  signal: string | null;
  /** Set when the turn could not be started at all. */
  startError?: string;
  /** Events for a turn that ended without a terminal event (e.g. a plain CLI's exit). */
  trailing(): WorkerEvent[];
  /** Runs after the outcome is fixed and before anyone hears of it (e.g. killing what a worker left behind). */
  cleanup?(): Promise<void>;
}
