import type { WorkerItem } from "../types.ts";

/**
 * An app-server thread item in the shape `codex exec --json` gives the same item, so the event union,
 * the run record and the live view are the same for both codex transports: `commandExecution` becomes
 * `command_execution` with `aggregated_output`, `exit_code` and `status: in_progress|completed|…`.
 * Returns undefined for the echo of the user's own message (exec does not report it).
 */
export function execShapedItem(item: {
  type: string;
  id: string;
  [key: string]: unknown;
}): WorkerItem | undefined {
  if (item.type === "userMessage") return undefined;
  const out: WorkerItem = { id: item.id, type: snake(item.type) };
  for (const [key, value] of Object.entries(item)) {
    if (key === "id" || key === "type" || key === "startedAtMs" || key === "completedAtMs") continue;
    out[snake(key)] = key === "status" && typeof value === "string" ? snake(value) : value;
  }
  if (item.type === "reasoning") {
    const summary = Array.isArray(item.summary) ? item.summary : [];
    out.text = summary.filter((s) => typeof s === "string").join("\n");
  }
  if (item.type === "fileChange" && Array.isArray(item.changes)) {
    out.changes = item.changes.map((change: { path?: unknown; kind?: { type?: unknown } }) => ({
      path: change.path,
      kind: change.kind?.type,
    }));
  }
  return out;
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
