import { join } from "node:path";
import { runsDir } from "../../store/paths.ts";
import { listRunIds, readRun } from "../../store/runs.ts";
import { formatDurationMs } from "../../util/duration.ts";
import { formatTokens } from "../render.ts";
import { esc, exactTime, section } from "../report-html/html.ts";
import { htmlDocument } from "../report-html/page.ts";
import type { RunRecord } from "../report-html/record.ts";

/** Addresses inside the server, each carrying the access token. */
export interface Links {
  home(): string;
  run(runId: string): string;
  runEvents(runId: string): string;
  report(runId: string): string;
  agent(runId: string, agentId: string): string;
  agentEvents(runId: string, agentId: string): string;
  listEvents(): string;
}

export function linksFor(token: string): Links {
  const q = `token=${encodeURIComponent(token)}`;
  const run = (id: string) => `/runs/${encodeURIComponent(id)}`;
  const agent = (id: string, agentId: string) => `${run(id)}/agents/${encodeURIComponent(agentId)}`;
  return {
    home: () => `/?${q}`,
    run: (id) => `${run(id)}?${q}`,
    runEvents: (id) => `${run(id)}/events?${q}`,
    report: (id) => `${run(id)}/report.html?${q}`,
    agent: (id, agentId) => `${agent(id, agentId)}?${q}`,
    agentEvents: (id, agentId) => `${agent(id, agentId)}/events?${q}`,
    listEvents: () => `/events?${q}`,
  };
}

/** The table of runs in this directory, newest first. */
export function renderRunList(home: string | undefined, links: Links, nowMs = Date.now()): string {
  const ids = listRunIds(home).reverse();
  if (!ids.length)
    return section(
      "run-list",
      "Runs",
      `<p class="muted">No runs yet in ${esc(runsDir(home))}. Start one with <code>baton run "…"</code>; it appears here.</p>`,
    );
  const rows = ids.map((id) => {
    try {
      const { view, stale } = readRun(id, home);
      const status = stale ? "abandoned" : view.status;
      const tokens = view.agents.reduce((sum, a) => sum + a.usage.inputTokens + a.usage.outputTokens, 0);
      const took = formatDurationMs((view.endedAt ?? nowMs) - view.startedAt);
      return `<tr><td><a href="${esc(links.run(id))}"><code>${esc(id)}</code></a></td><td>${esc(view.task)}</td><td>${esc(view.pattern)}</td><td><span class="badge status-${esc(status)}">${esc(status)}</span></td><td>${esc(exactTime(view.startedAt))}</td><td>${esc(took)}${view.endedAt ? "" : " so far"}</td><td>${view.agents.length}</td><td>${esc(formatTokens(tokens))}</td></tr>`;
    } catch (error) {
      return `<tr><td><code>${esc(id)}</code></td><td colspan="7" class="error">cannot be read: ${esc((error as Error).message)}</td></tr>`;
    }
  });
  return section(
    "run-list",
    `Runs (${ids.length})`,
    `<table class="runs"><thead><tr><th>run</th><th>task</th><th>pattern</th><th>status</th><th>started</th><th>duration</th><th>agents</th><th>tokens</th></tr></thead><tbody>${rows.join("")}</tbody></table>`,
  );
}

export function runListPage(home: string | undefined, links: Links): string {
  return htmlDocument({
    title: "baton ui · runs",
    body: `<p class="muted">baton ui · read-only view of <code>${esc(runsDir(home))}</code><span id="live-status">connecting…</span></p>\n${renderRunList(home, links)}`,
    liveUrl: links.listEvents(),
  });
}

/** A worker's page; undefined when the run has no such agent. */
export function agentPage(
  record: RunRecord,
  agentId: string,
  home: string | undefined,
  links: Links,
): string | undefined {
  const lane = record.timeline.lanes.find((l) => l.agentId === agentId);
  if (!lane) return undefined;
  const runId = record.view.runId;
  const what = ` · ${lane.role} · ${lane.label}`;
  const file = join(runsDir(home), runId, "agents", agentId, "events.jsonl");
  return htmlDocument({
    title: `baton ${runId} · ${agentId}`,
    body: `<p><a href="${esc(links.run(runId))}">← run ${esc(runId)}</a><span id="live-status">connecting…</span></p>
<section id="agent-stream"><h2>${esc(agentId)}${esc(what)}: event stream</h2><p class="muted">Follows <code>${esc(file)}</code> as the worker writes it.</p><pre class="stream" id="stream" data-lines="0"></pre></section>`,
    liveUrl: links.agentEvents(runId, agentId),
  });
}
