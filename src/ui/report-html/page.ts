import { type AgentLinks, agentParts, renderAgents } from "./agents-html.ts";
import { CLIENT_SCRIPT } from "./client.ts";
import { esc, exactTime } from "./html.ts";
import type { RunRecord } from "./record.ts";
import {
  renderFailed,
  renderFindings,
  renderHeader,
  renderPlan,
  renderResult,
  renderWriters,
  shownStatus,
} from "./sections.ts";
import { STYLE } from "./style.ts";
import { renderTimelineSection } from "./timeline-html.ts";

/** Everything but the agents, by element id, in page order. */
function runSections(record: RunRecord): Record<string, string> {
  return {
    "run-header": renderHeader(record),
    "run-result": renderResult(record),
    "run-plan": renderPlan(record),
    "run-timeline": renderTimelineSection(record.timeline),
    "run-findings": renderFindings(record),
    "run-failed": renderFailed(record),
    "run-writers": renderWriters(record),
  };
}

/** The report's sections by element id, in page order. */
export function reportSections(record: RunRecord, links: AgentLinks = {}): Record<string, string> {
  return { ...runSections(record), "run-agents": renderAgents(record, links) };
}

/** What a live page receives: the same, with each agent's block on its own, so only changed ones are resent. */
export function liveParts(record: RunRecord, links: AgentLinks): Record<string, string> {
  return { ...runSections(record), ...agentParts(record, links) };
}

export interface DocumentOptions {
  title: string;
  body: string;
  /** The server-sent events address of a live page; a static file makes no request at all. */
  liveUrl?: string;
}

/** One self-contained HTML document: inline style and script, and a policy that forbids fetching anything. */
export function htmlDocument(options: DocumentOptions): string {
  const connect = options.liveUrl ? "connect-src 'self'" : "connect-src 'none'";
  const policy = `default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; ${connect}; base-uri 'none'; form-action 'none'`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${policy}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(options.title)}</title>
<style>${STYLE}</style></head>
<body${options.liveUrl ? ` data-live="${esc(options.liveUrl)}"` : ""}><main>
${options.body}
</main><script>${CLIENT_SCRIPT}</script></body></html>
`;
}

export interface ReportPageOptions {
  live?: { eventsUrl: string; homeUrl: string; links: AgentLinks };
}

/** `baton report --html` (no options) and the run page of `baton ui` (with `live`). */
export function renderHtmlReport(record: RunRecord, options: ReportPageOptions = {}): string {
  const { live } = options;
  const sections = Object.values(reportSections(record, live?.links));
  const nav = live
    ? `<p><a href="${esc(live.homeUrl)}">← all runs</a><span id="live-status">connecting…</span></p>`
    : "";
  const footer = `<footer>baton report of run ${esc(record.view.runId)} (${esc(shownStatus(record))}), made ${esc(exactTime(record.nowMs))} from ${esc(record.view.dir)}</footer>`;
  return htmlDocument({
    title: `baton ${record.view.runId} · ${record.view.pattern} · ${shownStatus(record)}`,
    body: `${nav}${sections.join("\n")}\n${footer}`,
    liveUrl: live?.eventsUrl,
  });
}
