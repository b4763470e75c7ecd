import type { PoolEvent } from "../core/pool.ts";
import { ownerId } from "../core/process/owner.ts";
import type { BatonErrorJson } from "../errors.ts";
import { RunRecorder } from "../run/recorder.ts";
import { renderReport } from "../run/report.ts";
import type { AgentRow, RunView } from "../run/view.ts";
import { toRow } from "../run/view-rows.ts";
import { newRunId, runDir } from "../store/paths.ts";
import type { AgentBook } from "./agents.ts";

/**
 * An MCP session recorded as a run (`.baton/runs/<id>/`, pattern "mcp"): the journal, each agent's
 * prompts, events, stderr and final message, and `run.json` — so `baton status | logs | report` work on
 * what a model orchestrated through `baton mcp`.
 */
export class SessionRecord {
  readonly runId = newRunId();
  readonly recorder: RunRecorder;
  readonly #view: RunView;
  #book: AgentBook | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: { home?: string; cwd: string; settings: Record<string, unknown> }) {
    this.recorder = new RunRecorder(runDir(this.runId, options.home));
    this.#view = {
      runId: this.runId,
      dir: this.recorder.dir,
      task: "MCP session (baton mcp)",
      status: "running",
      pattern: "mcp",
      agents: [],
      startedAt: Date.now(),
    };
    this.recorder.writeJson("owner.json", { pid: process.pid, ownerId: ownerId() });
    this.recorder.journal.append({
      type: "run.started",
      runId: this.runId,
      task: this.#view.task,
      pattern: "mcp",
      cwd: options.cwd,
      options: options.settings,
    });
    this.recorder.writeView(this.#view);
  }

  attach(book: AgentBook): void {
    this.#book = book;
  }

  agentDir(id: string): string {
    return this.recorder.agentDir(id);
  }

  /** Names the client in the record once it has introduced itself. */
  setClient(name: string): void {
    this.#view.task = `MCP session of ${name} (baton mcp)`;
    this.#writeSoon();
  }

  readonly onPoolEvent = (event: PoolEvent): void => {
    if (this.#closed) return;
    this.recorder.onPoolEvent(event);
    if (event.type !== "worker.event" && event.type !== "worker.stderr") this.#writeSoon();
  };

  /** Ends the record and flushes the agents' streams. */
  async close(status: "completed" | "failed", error?: BatonErrorJson): Promise<void> {
    this.end(status, error);
    await this.recorder.close();
  }

  /** Ends the record at once (for a signal): final run.json, report.md and the run.ended line. */
  end(status: "completed" | "failed", error?: BatonErrorJson): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#view.status = status;
    this.#view.error = error;
    this.#view.endedAt = Date.now();
    this.#view.agents = this.#rows();
    this.recorder.writeView(this.#view);
    this.recorder.writeText("report.md", renderReport(this.#view));
    this.recorder.journal.append({
      type: "run.ended",
      status,
      exitCode: status === "completed" ? 0 : 1,
      error,
    });
  }

  // Rewriting run.json for every event would cost O(agents) each time: at most once a second.
  #writeSoon(): void {
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      if (this.#closed) return;
      this.#view.agents = this.#rows();
      this.recorder.writeView(this.#view);
    }, 1_000);
    this.#timer.unref();
  }

  #rows(): AgentRow[] {
    const book = this.#book;
    if (!book) return [];
    return book.page(0, book.size).map((entry) => {
      if (entry.closed) {
        const a = entry.closed;
        return {
          id: a.id,
          role: "worker",
          label: a.label,
          status: "shutdown",
          endReason: a.endReason,
          error: a.error,
          usage: a.usage,
          startedAt: a.createdAt,
          endedAt: a.closedAt,
          lastActivityAt: a.closedAt,
        };
      }
      return toRow(entry.live);
    });
  }
}
