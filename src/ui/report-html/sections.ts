import { addUsage, ZERO_USAGE } from "../../core/usage.ts";
import { SEVERITY_RANK } from "../../run/merge.ts";
import { formatDurationMs } from "../../util/duration.ts";
import { formatTokens } from "../render.ts";
import { esc, exactTime, section } from "./html.ts";
import type { RunRecord } from "./record.ts";

/** The run's status as shown: a run that says running but whose owner is gone is abandoned. */
export function shownStatus(record: RunRecord): string {
  return record.stale ? "abandoned" : record.view.status;
}

export function renderHeader(record: RunRecord): string {
  const { view, timeline } = record;
  const usage = timeline.lanes.reduce((sum, l) => addUsage(sum, l.usage), ZERO_USAGE);
  const costs = [...record.agents.values()].map((a) => a.costUsd).filter((c) => c !== undefined);
  const cost = costs.length ? `$${costs.reduce((a, b) => a + b, 0).toFixed(4)}` : "not reported";
  const endMs = view.endedAt ?? timeline.endMs;
  const status = shownStatus(record);
  const facts: Array<[string, string]> = [
    ["pattern", view.pattern],
    ["status", status],
    ["duration", `${formatDurationMs(endMs - view.startedAt)}${view.endedAt ? "" : " so far"}`],
    ["agents", String(timeline.lanes.length)],
    [
      "tokens",
      `${formatTokens(usage.inputTokens + usage.outputTokens)} (in ${usage.inputTokens}, cached ${usage.cachedInputTokens}, out ${usage.outputTokens})`,
    ],
    ["cost", cost],
    ["started", exactTime(view.startedAt)],
  ];
  const badges = [
    `<span class="badge status-${esc(status)}">${esc(status)}</span>`,
    record.rehearsal ? `<span class="badge rehearsal">rehearsal: scripted model, no tokens spent</span>` : "",
  ].join(" ");
  const error = [
    view.error ? `<p class="error"><b>Error:</b> ${esc(view.error.message)}</p>` : "",
    record.rebuilt ? `<p class="muted">${esc(record.rebuilt)}.</p>` : "",
  ].join("");
  return `<header id="run-header"><p class="run-id">baton run <code>${esc(view.runId)}</code> ${badges}</p>
<h1>${esc(view.task)}</h1>
<dl class="facts">${facts.map(([k, v]) => `<div><dt>${k}</dt><dd>${esc(v)}</dd></div>`).join("")}</dl>${error}</header>`;
}

export function renderResult(record: RunRecord): string {
  const r = record.view.result;
  // A live run has no result yet: the place stays, empty, until the end fills it.
  if (!r)
    return record.view.status === "running" && !record.stale
      ? `<section id="run-result" hidden></section>`
      : section("run-result", "Result", `<p class="muted">No result was recorded.</p>`);
  const parts = [
    `<p class="summary">${esc(r.summary || "(none)")}</p>`,
    `<p class="next"><b>Next step:</b> ${esc(r.nextStep || "(none)")}</p>`,
    r.selected ? `<p><b>Selected option:</b> ${esc(r.selected)}</p>` : "",
    r.verification
      ? `<p><b>Verification:</b> ${r.verification.passed ? "passed" : "FAILED"} — ${esc(r.verification.summary)}</p>`
      : "",
    list(
      "Options",
      (r.options ?? []).map((o) => `${o.label}: ${o.summary}`),
    ),
    list(
      "Sections",
      (r.sections ?? []).map((x) => `${x.label}: ${x.summary}`),
    ),
    list("Warnings", r.warnings),
    list("Open questions", r.openQuestions),
    list("Tests", r.tests),
    list(
      "Proposed changes",
      r.proposedChanges.map((c) => `${c.file}: ${c.change}${c.risk ? ` (risk: ${c.risk})` : ""}`),
    ),
  ];
  return section("run-result", "Result", parts.join(""));
}

function list(title: string, items: string[]): string {
  if (!items.length) return "";
  return `<h3>${esc(title)}</h3><ul>${items.map((i) => `<li>${esc(i)}</li>`).join("")}</ul>`;
}

export function renderPlan(record: RunRecord): string {
  const steps = record.view.plan?.plan ?? [];
  if (!steps.length) return section("run-plan", "Plan", `<p class="muted">No plan yet.</p>`);
  const items = steps
    .map(
      (s) =>
        `<li class="step step-${s.status}"><span class="step-state">${s.status.replace("_", " ")}</span> ${esc(s.step)}</li>`,
    )
    .join("");
  return section("run-plan", "Plan", `<ol class="plan">${items}</ol>`);
}

/** Findings as a table; the page's script sorts it by severity, file or reporters (rank order without it). */
export function renderFindings(record: RunRecord): string {
  const findings = record.view.result?.findings ?? [];
  if (!findings.length)
    return section(
      "run-findings",
      "Findings",
      `<p class="muted">${record.view.result ? "No findings." : "None yet."}</p>`,
    );
  const head = [
    ["rank", "#"],
    ["severity", "severity"],
    ["title", "finding"],
    ["file", "file"],
    ["reporters", "reported by"],
  ]
    .map(([key, text]) => `<th><button type="button" data-sort="${key}">${text}</button></th>`)
    .join("");
  const rows = findings
    .map((f, i) => {
      const file = f.location ?? "";
      const detail = [
        f.evidence ? `<div><b>Evidence:</b> ${esc(f.evidence)}</div>` : "",
        f.recommendation ? `<div><b>Fix:</b> ${esc(f.recommendation)}</div>` : "",
      ].join("");
      return `<tr data-rank="${i}" data-severity="${SEVERITY_RANK[f.severity] ?? 9}" data-file="${esc(file)}" data-title="${esc(f.title)}" data-reporters="${f.reportedBy.length}">
<td>${i + 1}</td><td><span class="sev sev-${esc(f.severity)}">${esc(f.severity)}</span></td><td>${esc(f.title)}${detail}</td><td><code>${esc(file)}</code></td><td>${f.reportedBy.map((r) => `<span class="who">${esc(r)}</span>`).join(" ")}</td></tr>`;
    })
    .join("");
  return section(
    "run-findings",
    `Findings (${findings.length}, merged)`,
    `<table class="findings"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`,
  );
}

export function renderFailed(record: RunRecord): string {
  const failed = record.view.result?.failedWorkers ?? [];
  const body = failed.length
    ? `<ul class="failed">${failed.map((f) => `<li><a href="#agent-${esc(f.agentId)}"><b>${esc(f.label)}</b> (${esc(f.agentId)})</a>: <span class="state state-${esc(f.endReason)}">${esc(f.endReason)}</span>${f.error ? ` — ${esc(f.error)}` : ""}</li>`).join("")}</ul>`
    : `<p class="muted">${record.view.result ? "None: every worker delivered." : "None so far."}</p>`;
  return section("run-failed", "Failed workers", body);
}

/** Writers in their own worktrees: each branch, whether it merged, and where kept work lies. */
export function renderWriters(record: RunRecord): string {
  const merges = record.view.result?.merges ?? [];
  const prepared = record.journal.filter((e) => e.type === "merge.prepared");
  if (!merges.length && !prepared.length) return `<section id="run-writers" hidden></section>`;
  const rows = merges.length
    ? merges.map(
        (m) =>
          `<tr><td>${esc(m.label)} <small>(${esc(m.agentId)})</small></td><td><code>${esc(m.branch)}</code></td><td>${m.merged ? `<span class="state state-completed">merged</span>${m.commit ? ` at <code>${esc(m.commit.slice(0, 10))}</code>` : ""}` : `<span class="state state-failed">not merged</span>${m.reason ? ` — ${esc(m.reason)}` : ""}`}${m.resolvedBy ? ` (conflicts resolved by ${esc(m.resolvedBy)})` : ""}</td><td>${m.conflictFiles?.length ? m.conflictFiles.map((f) => `<code>${esc(f)}</code>`).join(" ") : ""}</td><td>${m.patch ? `<code>${esc(m.patch)}</code>` : ""}${!m.merged && m.kept ? " (branch kept)" : ""}</td></tr>`,
      )
    : prepared.map(
        (p) =>
          `<tr><td>${esc(p.agentId)}</td><td><code>${esc(p.branch)}</code></td><td class="muted">in progress</td><td></td><td></td></tr>`,
      );
  return section(
    "run-writers",
    "Writers: branches and merges",
    `<table><thead><tr><th>writer</th><th>branch</th><th>outcome</th><th>conflicts</th><th>kept patch</th></tr></thead><tbody>${rows.join("")}</tbody></table>`,
  );
}
