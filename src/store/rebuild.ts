import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { addUsage, ZERO_USAGE } from "../core/usage.ts";
import { BatonError } from "../errors.ts";
import { RunResultSchema } from "../run/result.ts";
import type { AgentRow, RunView } from "../run/view.ts";
import { readJournal } from "./journal.ts";

/**
 * The run view rebuilt from the journal alone (plus `final.md` and `result.json` when they are
 * there): `run.json` and `plan.json` are caches of it, so a missing or damaged snapshot never costs a
 * run. Used by `status`, `report` and `resume` when a snapshot cannot be read.
 */
export function rebuildView(dir: string, runId: string): RunView {
  const { entries } = readJournal(join(dir, "journal.jsonl"));
  const started = entries.find((e) => e.type === "run.started");
  if (!started)
    throw new BatonError("E_CONFIG", `${dir}: the journal has no run.started line`, { runId, file: dir });
  const view: RunView = {
    runId,
    dir,
    task: started.task,
    status: "running",
    pattern: started.pattern,
    agents: [],
    startedAt: Date.parse(started.at),
  };
  const rows = new Map<string, AgentRow>();
  const row = (agentId: string) => rows.get(agentId);
  for (const e of entries) {
    const at = Date.parse(e.at);
    switch (e.type) {
      case "pattern.chosen":
        view.pattern = e.pattern;
        break;
      case "plan.updated":
        view.plan = e.plan;
        break;
      case "agent.spawned":
        rows.set(e.agentId, {
          id: e.agentId,
          role: e.role,
          label: e.label,
          status: "pending_init",
          usage: ZERO_USAGE,
          lastActivityAt: at,
        });
        break;
      case "agent.replayed":
        if (row(e.agentId)) row(e.agentId)!.lastActivity = "from the record (resumed run)";
        break;
      case "turn.started": {
        const r = row(e.agentId);
        if (r) Object.assign(r, { status: "running", startedAt: r.startedAt ?? at, lastActivityAt: at });
        break;
      }
      case "turn.ended": {
        const r = row(e.agentId);
        if (r)
          Object.assign(r, {
            status: e.status,
            endReason: e.endReason,
            error: e.error,
            usage: addUsage(r.usage, e.usage),
            endedAt: at,
            lastActivityAt: at,
          });
        break;
      }
      case "agent.closed":
        if (row(e.agentId)) row(e.agentId)!.status = "shutdown";
        break;
      case "run.resumed":
        view.status = "running";
        view.endedAt = undefined;
        break;
      case "run.ended":
        view.status = e.status;
        view.error = e.error;
        view.endedAt = at;
        break;
    }
  }
  for (const r of rows.values()) {
    const final = join(dir, "agents", r.id, "final.md");
    if (existsSync(final)) r.finalMessage = readFileSync(final, "utf8");
  }
  view.agents = [...rows.values()];
  try {
    if (existsSync(join(dir, "result.json")))
      view.result = RunResultSchema.safeParse(
        JSON.parse(readFileSync(join(dir, "result.json"), "utf8")),
      ).data;
  } catch {
    // A damaged result snapshot: the view is still whole without it.
  }
  return view;
}
