import type { EndReason } from "../core/status.ts";
import { addUsage, type Usage, ZERO_USAGE } from "../core/usage.ts";
import type { JournalEntry } from "../store/journal.ts";

/**
 * What an agent was doing over an interval: waiting for a slot, running a turn, backing off before a
 * rate-limit retry, or idle with questions until the orchestrator answered them.
 */
export type SegmentKind = "queued" | "running" | "backoff" | "waiting";

export interface Segment {
  kind: SegmentKind;
  startMs: number;
  endMs: number;
  /** Still going at the timeline's end (a live run). */
  open: boolean;
  turn?: number;
  /** Running segments: how the turn ended. */
  endReason?: EndReason;
  error?: string;
}

export type MarkKind = "retry" | "input" | "interrupt" | "closed" | "replayed";

export interface Mark {
  kind: MarkKind;
  atMs: number;
  text: string;
}

/** One agent's row of the timeline, and the totals a report shows next to it. */
export interface Lane {
  agentId: string;
  label: string;
  role: string;
  backend?: string;
  segments: Segment[];
  marks: Mark[];
  turns: number;
  usage: Usage;
  /** What the agent is doing at the timeline's end. */
  state: "queued" | "running" | "backoff" | "waiting" | "idle" | "closed" | "replayed";
  endReason?: EndReason;
  error?: string;
  firstStartMs?: number;
  lastEndMs?: number;
  queuedMs: number;
  runningMs: number;
  waitingMs: number;
}

export interface RunMark {
  kind: "resumed" | "budget" | "ended";
  atMs: number;
  text: string;
}

export interface Timeline {
  startMs: number;
  /** `run.ended`, or `now` while the run goes on. */
  endMs: number;
  ended: boolean;
  /** When the run's own deadline (`runTimeoutMs`) falls, if it has one. */
  deadlineMs?: number;
  lanes: Lane[];
  marks: RunMark[];
}

interface Building extends Lane {
  /** The segment still open, with the kind it will close as. */
  current?: Segment;
}

/**
 * The run's timeline, built from its journal alone: one lane per agent, each turn as
 * queued → running (→ waiting for answers), retries and how each turn ended. Pure; `nowMs` closes
 * whatever is still open in a live run.
 */
export function buildTimeline(entries: readonly JournalEntry[], nowMs: number): Timeline {
  const lanes = new Map<string, Building>();
  const marks: RunMark[] = [];
  let startMs: number | undefined;
  let endMs: number | undefined;
  let deadlineMs: number | undefined;
  let runTimeoutMs: number | undefined;
  const close = (lane: Building, atMs: number) => {
    if (!lane.current) return;
    lane.segments.push(...ending(lane.current, atMs, false));
    lane.current = undefined;
  };
  const open = (lane: Building, kind: SegmentKind, atMs: number, turn?: number) => {
    close(lane, atMs);
    lane.current = { kind, startMs: atMs, endMs: atMs, open: true, turn };
    lane.state = kind;
  };
  for (const e of entries) {
    const at = Date.parse(e.at);
    startMs ??= at;
    switch (e.type) {
      case "run.started":
      case "run.resumed": {
        if (e.type === "run.started") {
          const t = e.options.runTimeoutMs;
          runTimeoutMs = typeof t === "number" && t > 0 ? t : undefined;
        } else marks.push({ kind: "resumed", atMs: at, text: "resumed" });
        deadlineMs = runTimeoutMs === undefined ? undefined : at + runTimeoutMs;
        break;
      }
      case "agent.spawned": {
        const lane = newLane(e.agentId, e.label, e.role, e.backend);
        lanes.set(e.agentId, lane);
        open(lane, "queued", at);
        break;
      }
      case "agent.replayed": {
        const lane = newLane(e.agentId, e.label, e.role);
        lane.state = "replayed";
        lane.endReason = "completed";
        lane.marks.push({ kind: "replayed", atMs: at, text: "answered from the record of the run before" });
        lanes.set(e.agentId, lane);
        break;
      }
      case "turn.started": {
        const lane = lanes.get(e.agentId);
        if (!lane) break;
        lane.turns++;
        lane.firstStartMs ??= at;
        open(lane, "running", at, e.turn);
        break;
      }
      case "turn.ended": {
        const lane = lanes.get(e.agentId);
        if (!lane?.current) break;
        lane.current.endReason = e.endReason;
        lane.current.error = e.error;
        close(lane, at);
        lane.usage = addUsage(lane.usage, e.usage);
        lane.lastEndMs = at;
        lane.endReason = e.endReason;
        lane.error = e.endReason === "completed" ? undefined : e.error;
        // A rate-limited turn comes back: its retry entry follows at once.
        lane.state =
          e.status === "pending_init"
            ? "queued"
            : e.status === "shutdown" || lane.marks.some((m) => m.kind === "closed")
              ? "closed"
              : "idle";
        break;
      }
      case "turn.retry": {
        const lane = lanes.get(e.agentId);
        if (!lane) break;
        lane.marks.push({
          kind: "retry",
          atMs: at,
          text: `retry ${e.attempt} after ${e.delayMs} ms: ${e.error}`,
        });
        open(lane, "backoff", at, e.turn);
        // After the backoff the turn waits for a slot again.
        lane.current!.endMs = at + e.delayMs;
        break;
      }
      case "clarification": {
        const lane = lanes.get(e.agentId);
        const last = lane?.segments.at(-1);
        if (!lane || lane.current || !last) break;
        lane.segments.push({ kind: "waiting", startMs: last.endMs, endMs: at, open: false });
        break;
      }
      case "agent.input": {
        const lane = lanes.get(e.agentId);
        if (!lane) break;
        if (e.interrupt && lane.current?.kind === "running")
          lane.marks.push({ kind: "interrupt", atMs: at, text: `interrupted with input: ${e.message}` });
        else {
          lane.marks.push({ kind: "input", atMs: at, text: `input: ${e.message}` });
          if (!lane.current) open(lane, "queued", at);
        }
        break;
      }
      case "agent.closed": {
        const lane = lanes.get(e.agentId);
        if (!lane) break;
        if (lane.current && lane.current.kind !== "running") close(lane, at);
        lane.marks.push({ kind: "closed", atMs: at, text: `closed (was ${e.previousStatus})` });
        if (!lane.current) lane.state = "closed";
        break;
      }
      case "budget.exhausted":
        marks.push({
          kind: "budget",
          atMs: at,
          text: `token budget used up (${e.usedTokens} of ${e.maxTokens})`,
        });
        break;
      case "run.ended":
        endMs = at;
        marks.push({ kind: "ended", atMs: at, text: `run ${e.status}` });
        break;
    }
  }
  const end = endMs ?? Math.max(nowMs, startMs ?? nowMs);
  const result = [...lanes.values()].map((lane) => finish(lane, end, endMs !== undefined));
  return {
    startMs: startMs ?? end,
    endMs: end,
    ended: endMs !== undefined,
    deadlineMs,
    lanes: result,
    marks,
  };
}

function newLane(agentId: string, label: string, role: string, backend?: string): Building {
  return {
    agentId,
    label,
    role,
    backend,
    segments: [],
    marks: [],
    turns: 0,
    usage: ZERO_USAGE,
    state: "queued",
    queuedMs: 0,
    runningMs: 0,
    waitingMs: 0,
  };
}

/** A segment cut at `atMs`; a backoff whose delay had passed became waiting for a slot. */
function ending(segment: Segment, atMs: number, open: boolean): Segment[] {
  if (segment.kind === "backoff" && segment.endMs < atMs)
    return [
      { ...segment, open: false },
      { kind: "queued", startMs: segment.endMs, endMs: atMs, open, turn: segment.turn },
    ];
  return [{ ...segment, endMs: Math.max(segment.startMs, atMs), open }];
}

function finish(lane: Building, endMs: number, runEnded: boolean): Lane {
  const { current, ...rest } = lane;
  const segments = [...lane.segments, ...(current ? ending(current, endMs, !runEnded) : [])];
  segments.sort((a, b) => a.startMs - b.startMs);
  const total = (kind: SegmentKind) =>
    segments.filter((s) => s.kind === kind).reduce((sum, s) => sum + (s.endMs - s.startMs), 0);
  return {
    ...rest,
    segments,
    queuedMs: total("queued") + total("backoff"),
    runningMs: total("running"),
    waitingMs: total("waiting"),
  };
}
