import type { WorkerEvent } from "../backends/types.ts";
import type { AgentSnapshot } from "../core/agent.ts";
import type { ReplayedAgent } from "./replay.ts";
import type { AgentRow } from "./view.ts";

export function replayedRow(a: ReplayedAgent): AgentRow {
  return {
    id: a.agentId,
    role: a.role,
    label: a.label,
    status: "shutdown",
    endReason: "completed",
    usage: a.usage,
    lastActivityAt: 0,
    finalMessage: a.finalMessage,
    lastActivity: "from the record (resumed run)",
  };
}

export function toRow(a: AgentSnapshot): AgentRow {
  return {
    id: a.id,
    role: a.role,
    label: a.label,
    status: a.status,
    endReason: a.endReason,
    error: a.error,
    usage: a.usage,
    startedAt: a.turns[0]?.startedAt,
    endedAt: a.turns.at(-1)?.endedAt,
    lastActivityAt: a.lastActivityAt,
    finalMessage: a.finalMessage,
  };
}

export function describeEvent(e: WorkerEvent): string | undefined {
  switch (e.type) {
    case "item.started":
    case "item.completed": {
      const item = e.item;
      if (item.type === "command_execution") return `$ ${String(item.command ?? "").slice(0, 60)}`;
      if (item.type === "agent_message") return "answered";
      if (item.type === "reasoning") return "thinking";
      if (item.type === "file_change") return "editing files";
      if (item.type === "mcp_tool_call") return `tool ${String(item.tool ?? "")}`;
      return item.type;
    }
    case "turn.started":
      return "turn started";
    case "error":
      return `warning: ${e.message.slice(0, 60)}`;
    default:
      return undefined;
  }
}
