import type { Plan } from "./plan.ts";
import type { RunResult } from "./result.ts";
import type { AgentRow } from "./view-rows.ts";

export type { AgentRow } from "./view-rows.ts";

export type RunStatus = "running" | "completed" | "partial" | "failed" | "cancelled";

/** The whole state of a run: what `--json` prints, what `run.json` holds, what the live view draws. */
export interface RunView {
  runId: string;
  dir: string;
  task: string;
  status: RunStatus;
  pattern: string;
  plan?: Plan;
  agents: AgentRow[];
  result?: RunResult;
  error?: string;
  startedAt: number;
  endedAt?: number;
}
