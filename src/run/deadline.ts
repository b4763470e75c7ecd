import { formatDurationMs } from "../util/duration.ts";

interface Stopped {
  agents: Array<{ id: string; endReason?: string; endedAt?: number; error?: string }>;
  result?: { failedWorkers: Array<{ agentId: string; error?: string }>; warnings: string[] };
}

/**
 * Workers stopped by the run's deadline end `timed_out` like a turn that hit its own deadline; their
 * error says which deadline it was (the pool only knows the turn's), and the result warns once.
 */
export function nameRunDeadline(view: Stopped, runTimeoutMs: number, firedAt: number): void {
  const deadline = formatDurationMs(runTimeoutMs);
  const why = `stopped when the run's deadline (${deadline}) passed`;
  const cut = new Set(
    view.agents
      .filter((a) => a.endReason === "timed_out" && (a.endedAt === undefined || a.endedAt >= firedAt))
      .map((a) => a.id),
  );
  for (const a of view.agents) if (cut.has(a.id)) a.error = why;
  for (const w of view.result?.failedWorkers ?? []) if (cut.has(w.agentId)) w.error = why;
  view.result?.warnings.push(`the run's deadline of ${deadline} passed; running workers were stopped`);
}
