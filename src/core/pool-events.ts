import type { WorkerEvent } from "../backends/types.ts";
import type { AgentStatus, EndReason } from "./status.ts";
import type { Usage } from "./usage.ts";

/** Every lifecycle and worker event of a pool, in order. Emitted after the state change it reports. */
export type PoolEvent =
  | {
      type: "agent.spawned";
      agentId: string;
      label: string;
      role: string;
      backend: string;
      message: string;
      /** The agent's working directory (where `baton attach` resumes its conversation). */
      cwd: string;
    }
  | { type: "turn.started"; agentId: string; turn: number; pid?: number; prompt: string }
  | { type: "worker.event"; agentId: string; turn: number; event: WorkerEvent }
  | { type: "worker.stderr"; agentId: string; turn: number; text: string }
  | {
      type: "turn.ended";
      agentId: string;
      turn: number;
      /** The agent's status after the turn (pending_init when another turn follows). */
      status: AgentStatus;
      endReason: EndReason;
      error?: string;
      finalMessage?: string;
      usage: Usage;
      rateLimited?: boolean;
      retryAfterMs?: number;
    }
  | {
      type: "turn.retry";
      agentId: string;
      turn: number;
      attempt: number;
      delayMs: number;
      error: string;
      concurrency: number;
    }
  | { type: "budget.exhausted"; usedTokens: number; maxTokens: number }
  | { type: "agent.input"; agentId: string; message: string; interrupt: boolean }
  | { type: "agent.closed"; agentId: string; previousStatus: AgentStatus };
