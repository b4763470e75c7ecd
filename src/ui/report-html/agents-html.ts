import type { Lane } from "../../run/timeline.ts";
import { laneOutcome } from "../../run/timeline-text.ts";
import { formatDurationMs } from "../../util/duration.ts";
import { formatTokens } from "../render.ts";
import { esc, exactTime, prettyText } from "./html.ts";
import type { AgentFiles, RunRecord } from "./record.ts";

export interface AgentLinks {
  /** Where a worker's event stream can be followed (the live server), if anywhere. */
  stream?: (agentId: string) => string;
}

function turnsTable(lane: Lane): string {
  const rows = lane.segments
    .map((s) => {
      const reason = s.endReason ? `${s.endReason}${s.error ? ` — ${s.error}` : ""}` : s.open ? "now" : "";
      return `<tr><td>${s.turn ?? ""}</td><td>${s.kind}</td><td>${esc(exactTime(s.startMs))}</td><td>${esc(formatDurationMs(s.endMs - s.startMs))}${s.open ? " so far" : ""}</td><td>${esc(reason)}</td></tr>`;
    })
    .join("");
  const marks = lane.marks.map((m) => `<li>${esc(exactTime(m.atMs))}: ${esc(m.text)}</li>`).join("");
  return `<table class="turns"><thead><tr><th>turn</th><th>what</th><th>from</th><th>for</th><th>ended</th></tr></thead><tbody>${rows}</tbody></table>${marks ? `<ul class="agent-marks">${marks}</ul>` : ""}`;
}

function usageLine(lane: Lane, files: AgentFiles | undefined): string {
  const u = lane.usage;
  const cost = files?.costUsd === undefined ? "" : `, cost $${files.costUsd.toFixed(4)}`;
  return `<p class="usage">${lane.turns} turn${lane.turns === 1 ? "" : "s"} · queued ${formatDurationMs(lane.queuedMs)} · ran ${formatDurationMs(lane.runningMs)}${lane.waitingMs ? ` · waited for answers ${formatDurationMs(lane.waitingMs)}` : ""} · tokens: in ${u.inputTokens}, cached ${u.cachedInputTokens}, out ${u.outputTokens}, reasoning ${u.reasoningTokens}${cost}</p>`;
}

function agentHtml(lane: Lane, files: AgentFiles | undefined, links: AgentLinks): string {
  const outcome = laneOutcome(lane);
  const tokens = formatTokens(lane.usage.inputTokens + lane.usage.outputTokens);
  const prompts = (files?.prompts ?? [])
    .map(
      (p) =>
        `<details class="text" data-key="${esc(lane.agentId)}-prompt-${p.turn}"><summary>prompt, turn ${p.turn}</summary><pre>${esc(p.text)}${p.cutChars ? `\n… ${p.cutChars} more characters in agents/${esc(lane.agentId)}/prompt-${p.turn}.md` : ""}</pre></details>`,
    )
    .join("");
  const final = files?.finalMessage
    ? `<details class="text" data-key="${esc(lane.agentId)}-final" open><summary>final message</summary><pre>${esc(prettyText(files.finalMessage))}</pre></details>`
    : `<p class="muted">No final message${lane.state === "running" ? " yet" : ""}.</p>`;
  const stream = links.stream
    ? ` <a class="stream" href="${esc(links.stream(lane.agentId))}">follow its event stream</a>`
    : "";
  return `<details class="agent" id="agent-${esc(lane.agentId)}" data-parent="run-agents"><summary><b>${esc(lane.agentId)}</b> <span class="role">${esc(lane.role)}</span> ${esc(lane.label)} <span class="state state-${esc(outcome.split(" ")[0])}">${esc(outcome)}</span> <span class="muted">${lane.turns} turn${lane.turns === 1 ? "" : "s"} · ${esc(formatDurationMs(lane.runningMs))} · ${esc(tokens)} tokens</span></summary>
<div class="agent-body">${lane.error ? `<p class="error">${esc(lane.error)}</p>` : ""}${usageLine(lane, files)}${stream}${turnsTable(lane)}${final}${prompts}</div></details>`;
}

/**
 * The agents' part of the page as pieces a live page replaces one by one (keyed by element id, in
 * page order): a run of a thousand agents resends only those that changed.
 */
export function agentParts(record: RunRecord, links: AgentLinks = {}): Record<string, string> {
  const lanes = record.timeline.lanes;
  const parts: Record<string, string> = {
    "run-agents-title": `<h2 id="run-agents-title">Agents (${lanes.length})</h2>`,
    "run-agents-none": lanes.length
      ? `<p id="run-agents-none" hidden></p>`
      : `<p id="run-agents-none" class="muted">No agents yet.</p>`,
  };
  for (const lane of lanes)
    parts[`agent-${lane.agentId}`] = agentHtml(lane, record.agents.get(lane.agentId), links);
  return parts;
}

/** Per agent, collapsed: usage, turns, final message and prompts. */
export function renderAgents(record: RunRecord, links: AgentLinks = {}): string {
  return `<section id="run-agents">${Object.values(agentParts(record, links)).join("")}</section>`;
}
