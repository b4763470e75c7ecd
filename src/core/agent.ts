import type { SandboxMode } from "../backends/types.ts";
import { type Phase, statusOf } from "./lifecycle.ts";
import type { AgentStatus, EndReason } from "./status.ts";
import type { RunningTurn } from "./turn.ts";
import { type Usage, ZERO_USAGE } from "./usage.ts";

/** What a caller may set when spawning an agent. */
export interface SpawnOptions {
  /** The task message of the first turn. */
  message: string;
  /** A backend name registered with the pool; default: the pool's default backend. */
  backend?: string;
  /** Shown in status views and records (a lens, section or name). */
  label?: string;
  /** What the agent does in a workflow (reviewer, implementer, …); recorded, not interpreted. */
  role?: string;
  cwd?: string;
  /** Default `read-only`: only writers need more. */
  sandbox?: SandboxMode;
  outputSchema?: Record<string, unknown>;
  instructions?: string;
  model?: string;
  /** Reasoning effort of the worker's model (`low`, `medium`, `high`, …), passed to backends that take one. */
  reasoningEffort?: string;
  /** The backend's web search tool for this agent (research workers); default off. */
  webSearch?: boolean;
  /** Per-turn deadline; default: the pool's. */
  turnTimeoutMs?: number;
  /** No output for this long kills the turn (end reason `stalled`); default: the pool's. */
  stallTimeoutMs?: number;
  /** A caller-chosen id (must be unused); default: generated. */
  id?: string;
  /** Aborting cancels this agent's work (its running turn is stopped, a queued one ends). */
  signal?: AbortSignal;
}

export interface TurnRecord {
  turn: number;
  /** 1, or more for a turn re-run after a rate limit. */
  attempt: number;
  /** The submission this turn runs (`<agent>:<n>`): the spawn message is `:1`, each input the next. */
  submissionId: string;
  prompt: string;
  pid?: number;
  startedAt: number;
  endedAt?: number;
  endReason?: EndReason;
  usage: Usage;
  error?: string;
}

/** A read-only view of one agent. */
export interface AgentSnapshot {
  id: string;
  label: string;
  role: string;
  backend: string;
  status: AgentStatus;
  endReason?: EndReason;
  error?: string;
  finalMessage?: string;
  threadId?: string;
  usage: Usage;
  turns: TurnRecord[];
  queuedInputs: number;
  createdAt: number;
  lastActivityAt: number;
  pid?: number;
}

/** One message given to an agent; each runs as its own turn. */
export interface Submission {
  id: string;
  message: string;
}

/** A turn waiting for a slot (or for its rate-limit backoff). */
export interface PendingTurn {
  prompt: string;
  submissionId: string;
  turn: number;
  attempt: number;
  /** The thread this turn continues: fixed when the turn is asked for, so a retry never resumes a failed attempt's thread. */
  threadId?: string;
}

/** The pool's mutable record of an agent; `phase` changes only through the lifecycle table. */
export interface Agent {
  id: string;
  label: string;
  backend: string;
  options: SpawnOptions;
  phase: Phase;
  endReason?: EndReason;
  error?: string;
  finalMessage?: string;
  threadId?: string;
  usage: Usage;
  /** Last cumulative usage a backend reported for this thread (codex reports totals per thread). */
  cumulativeSeen: Usage;
  turns: TurnRecord[];
  /** Turns asked for so far (a rate-limit retry is the same turn). */
  turnCount: number;
  /** Messages waiting for their own turns, in order. */
  inbox: Submission[];
  /** Submissions given out so far (the spawn message is the first). */
  submissions: number;
  pending?: PendingTurn;
  /** Identifies the agent's current place in the FIFO queue; older entries are stale. */
  queueSeq: number;
  current?: RunningTurn;
  retryTimer?: NodeJS.Timeout;
  /** close() was called: the running turn ends the agent. */
  closing: boolean;
  createdAt: number;
  lastActivityAt: number;
  listeners: Set<() => void>;
}

export function newAgent(id: string, backend: string, options: SpawnOptions, now: number): Agent {
  return {
    id,
    label: options.label ?? id,
    backend,
    options,
    phase: "queued",
    usage: ZERO_USAGE,
    cumulativeSeen: ZERO_USAGE,
    turns: [],
    turnCount: 1,
    inbox: [],
    submissions: 1,
    pending: { prompt: options.message, submissionId: `${id}:1`, turn: 1, attempt: 1 },
    queueSeq: 0,
    closing: false,
    createdAt: now,
    lastActivityAt: now,
    listeners: new Set(),
  };
}

export function agentStatus(agent: Agent): AgentStatus {
  return statusOf(agent.phase, agent.endReason);
}

export function snapshotOf(agent: Agent): AgentSnapshot {
  return {
    id: agent.id,
    label: agent.label,
    role: agent.options.role ?? "worker",
    backend: agent.backend,
    status: agentStatus(agent),
    endReason: agent.endReason,
    error: agent.error,
    finalMessage: agent.finalMessage,
    threadId: agent.threadId,
    usage: agent.usage,
    turns: agent.turns.map((t) => ({ ...t })),
    queuedInputs: agent.inbox.length,
    createdAt: agent.createdAt,
    lastActivityAt: agent.lastActivityAt,
    pid: agent.current?.pid,
  };
}
