import { formatDurationMs } from "../util/duration.ts";
import type { Lane, SegmentKind, Timeline } from "./timeline.ts";

const GLYPH: Record<SegmentKind, string> = { queued: ".", backoff: "r", running: "#", waiting: "?" };
/** When two kinds share a cell, the one a reader is looking for wins. */
const WEIGHT: Record<SegmentKind, number> = { running: 4, waiting: 3, backoff: 2, queued: 1 };

export const TIMELINE_LEGEND =
  "`.` queued  `#` running  `?` waiting for answers  `r` backing off before a retry";

/** How a lane ended, in a few words: `completed`, `timed_out after 2 retries`, `running`. */
export function laneOutcome(lane: Lane): string {
  const retries = lane.marks.filter((m) => m.kind === "retry").length;
  const state =
    lane.state === "idle" || lane.state === "closed" ? (lane.endReason ?? lane.state) : lane.state;
  return `${state}${retries ? ` after ${retries} ${retries === 1 ? "retry" : "retries"}` : ""}`;
}

/**
 * A short text picture of the run: one line per agent, `width` cells from the run's start to its end,
 * each cell showing what the agent did most of that time.
 */
export function renderTextTimeline(timeline: Timeline, width = 40): string {
  const span = Math.max(1, timeline.endMs - timeline.startMs);
  const cellMs = span / width;
  const ids = timeline.lanes.map((l) => l.agentId);
  const pad = Math.max(5, ...ids.map((id) => id.length));
  const axis = `${" ".repeat(pad)}  0s${formatDurationMs(span).padStart(width - 2)}`;
  const rows = timeline.lanes.map((lane) => {
    let bar = "";
    for (let i = 0; i < width; i++) {
      const from = timeline.startMs + i * cellMs;
      const to = from + cellMs;
      let best: SegmentKind | undefined;
      let bestScore = 0;
      for (const s of lane.segments) {
        const overlap = Math.min(to, s.endMs) - Math.max(from, s.startMs);
        // Point-like segments (a turn of a few ms) still show in the cell they fall into.
        const covered = overlap > 0 || (s.startMs >= from && s.startMs < to);
        const score = covered ? WEIGHT[s.kind] * 1e9 + Math.max(0, overlap) : 0;
        if (score > bestScore) [best, bestScore] = [s.kind, score];
      }
      bar += best ? GLYPH[best] : " ";
    }
    const ran = lane.runningMs ? ` ran ${formatDurationMs(lane.runningMs)}` : "";
    return `${lane.agentId.padEnd(pad)} |${bar}| ${laneOutcome(lane)}${ran}`;
  });
  return [axis, ...rows].join("\n");
}
