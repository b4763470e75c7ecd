import type { Lane, Segment, Timeline } from "../../run/timeline.ts";
import { laneOutcome } from "../../run/timeline-text.ts";
import { formatDurationMs } from "../../util/duration.ts";
import { esc, exactTime, offset, section } from "./html.ts";

const STEPS_MS = [
  100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000,
  1_800_000, 3_600_000, 7_200_000,
];

const KIND_TEXT: Record<Segment["kind"], string> = {
  queued: "queued (waiting for a slot)",
  running: "running",
  backoff: "backing off before a retry",
  waiting: "waiting for answers",
};

/** Where things sit on the picture: a fraction of the drawn span, as a CSS percentage. */
interface Scale {
  startMs: number;
  spanMs: number;
  pct(ms: number): string;
}

function scaleOf(t: Timeline): { scale: Scale; deadlineOnScale: boolean } {
  const runSpan = Math.max(1, t.endMs - t.startMs);
  // A deadline far beyond the run would squash it into a sliver: then it is named, not drawn to scale.
  const deadlineOnScale = t.deadlineMs !== undefined && t.deadlineMs - t.startMs <= runSpan * 2;
  const spanMs = deadlineOnScale ? Math.max(runSpan, t.deadlineMs! - t.startMs) : runSpan;
  const pct = (ms: number) => `${(Math.min(1, Math.max(0, (ms - t.startMs) / spanMs)) * 100).toFixed(3)}%`;
  return { scale: { startMs: t.startMs, spanMs, pct }, deadlineOnScale };
}

function axis(t: Timeline, scale: Scale, deadlineOnScale: boolean): string {
  const step = STEPS_MS.find((s) => s >= scale.spanMs / 8) ?? STEPS_MS.at(-1)!;
  const ticks: string[] = [];
  const grid: string[] = [];
  for (let at = 0; at <= scale.spanMs + 1; at += step) {
    const left = scale.pct(scale.startMs + at);
    grid.push(`<span style="left:${left}"></span>`);
    // The deadline's own label takes the place of a tick next to it.
    const nearDeadline =
      deadlineOnScale && Math.abs(scale.startMs + at - t.deadlineMs!) < scale.spanMs * 0.07;
    if (nearDeadline) continue;
    ticks.push(`<span class="tick" style="left:${left}">${at === 0 ? "0s" : esc(offset(at))}</span>`);
  }
  const deadline =
    t.deadlineMs === undefined
      ? ""
      : deadlineOnScale
        ? `<span class="tick deadline-label" style="left:${scale.pct(t.deadlineMs)}" title="run deadline ${esc(exactTime(t.deadlineMs))}">deadline</span>`
        : "";
  // A deadline beyond the drawn span is named at the end of the axis.
  const later =
    t.deadlineMs !== undefined && !deadlineOnScale
      ? `<span class="off-scale" title="run deadline ${esc(exactTime(t.deadlineMs))}">deadline ${esc(offset(t.deadlineMs - t.startMs))} →</span>`
      : "";
  return `<div class="tl-grid">${grid.join("")}</div><div class="tl-row tl-axis"><div class="tl-name"></div><div class="tl-track">${ticks.join("")}${deadline}</div><div class="tl-out">${later}</div></div>`;
}

function segmentHtml(lane: Lane, s: Segment, t: Timeline, scale: Scale): string {
  const width = `calc(${scale.pct(s.endMs)} - ${scale.pct(s.startMs)})`;
  const until = s.open ? "now" : exactTime(s.endMs);
  const title = [
    `${lane.agentId}${s.turn ? ` · turn ${s.turn}` : ""} · ${KIND_TEXT[s.kind]}`,
    `${exactTime(s.startMs)} → ${until} (${formatDurationMs(s.endMs - s.startMs)}, ${offset(s.startMs - t.startMs)} after the start)`,
    s.endReason ? `ended: ${s.endReason}${s.error ? ` — ${s.error}` : ""}` : "",
  ]
    .filter(Boolean)
    .join("\n");
  const classes = ["seg", `seg-${s.kind}`, s.open ? "open" : "", s.endReason ? `end-${s.endReason}` : ""];
  const bar = `<span class="${classes.filter(Boolean).join(" ")}" style="left:${scale.pct(s.startMs)};width:${width}" title="${esc(title)}"></span>`;
  // A turn that did not complete gets a marker where it ended, so it is seen at any zoom.
  const end =
    s.kind === "running" && s.endReason && s.endReason !== "completed"
      ? `<span class="mark mark-end end-${s.endReason}" style="left:${scale.pct(s.endMs)}" title="${esc(title)}"></span>`
      : "";
  return bar + end;
}

function laneHtml(lane: Lane, t: Timeline, scale: Scale, deadlineOnScale: boolean): string {
  const segments = lane.segments.map((s) => segmentHtml(lane, s, t, scale)).join("");
  const marks = lane.marks
    .filter((m) => m.kind !== "closed" || lane.segments.length === 0)
    .map(
      (m) =>
        `<span class="mark mark-${m.kind}" style="left:${scale.pct(m.atMs)}" title="${esc(`${lane.agentId} · ${m.text}\n${exactTime(m.atMs)}`)}"></span>`,
    )
    .join("");
  const lines = [
    deadlineOnScale && t.deadlineMs !== undefined
      ? `<span class="vline deadline" style="left:${scale.pct(t.deadlineMs)}"></span>`
      : "",
    t.ended ? `<span class="vline run-end" style="left:${scale.pct(t.endMs)}"></span>` : "",
  ].join("");
  const outcome = laneOutcome(lane);
  const took = lane.runningMs ? ` · ${formatDurationMs(lane.runningMs)}` : "";
  return `<div class="tl-row tl-lane" data-agent="${esc(lane.agentId)}" data-state="${esc(outcome)}">
<div class="tl-name"><a href="#agent-${esc(lane.agentId)}"><b>${esc(lane.agentId)}</b></a> <span class="role">${esc(lane.role)}</span><br><small>${esc(lane.label)}</small></div>
<div class="tl-track">${lines}${segments}${marks}</div>
<div class="tl-out"><span class="state state-${esc(outcome.split(" ")[0])}">${esc(outcome)}</span>${esc(took)}</div></div>`;
}

const LEGEND = [
  ["seg seg-queued", "queued"],
  ["seg seg-running end-completed", "ran, completed"],
  ["seg seg-running open", "running now"],
  ["seg seg-running end-failed", "failed"],
  ["seg seg-running end-timed_out", "timed out / stalled"],
  ["seg seg-running end-cancelled", "cancelled / closed"],
  ["seg seg-waiting", "waiting for answers"],
  ["seg seg-backoff", "backing off"],
  ["mark mark-retry", "retry"],
  ["mark mark-input", "input sent"],
  ["vline deadline", "run deadline"],
];

/** The timeline: one lane per agent; hover any bar or marker for its exact times. */
export function renderTimelineSection(t: Timeline): string {
  if (t.lanes.length === 0)
    return section("run-timeline", "Timeline", `<p class="muted">No agent has started yet.</p>`);
  const { scale, deadlineOnScale } = scaleOf(t);
  const runMarks = t.marks
    .filter((m) => m.kind !== "ended")
    .map((m) => `<li>${esc(offset(m.atMs - t.startMs))}: ${esc(m.text)}</li>`)
    .join("");
  const legend = LEGEND.filter(([cls]) => cls !== "vline deadline" || deadlineOnScale)
    .map(([cls, text]) => `<span><i class="${cls}"></i>${text}</span>`)
    .join("");
  const span = `${exactTime(t.startMs)} → ${t.ended ? exactTime(t.endMs) : "now"} (${formatDurationMs(t.endMs - t.startMs)})`;
  return section(
    "run-timeline",
    "Timeline",
    `<p class="muted">${esc(span)}</p><div class="tl" data-lanes="${t.lanes.length}">${axis(t, scale, deadlineOnScale)}${t.lanes
      .map((l) => laneHtml(l, t, scale, deadlineOnScale))
      .join(
        "",
      )}</div><div class="legend">${legend}</div>${runMarks ? `<ul class="run-marks">${runMarks}</ul>` : ""}`,
  );
}
