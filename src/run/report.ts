import { existsSync } from "node:fs";
import { join } from "node:path";
import { type JournalEntry, readJournal } from "../store/journal.ts";
import { formatDurationMs } from "../util/duration.ts";
import { buildTimeline } from "./timeline.ts";
import { laneOutcome, renderTextTimeline, TIMELINE_LEGEND } from "./timeline-text.ts";
import type { RunView } from "./view.ts";

/** The journal of the run a view describes, or nothing when there is none (a view built in memory). */
export function journalOf(view: RunView): JournalEntry[] {
  const file = join(view.dir, "journal.jsonl");
  return existsSync(file) ? readJournal(file).entries : [];
}

/**
 * A readable Markdown summary of a whole run (what `baton report` prints and `report.md` holds); with
 * the run's journal it also shows per-worker durations and a text timeline.
 */
export function renderReport(view: RunView, journal: readonly JournalEntry[] = journalOf(view)): string {
  const r = view.result;
  const out: string[] = [`# baton run ${view.runId}`, ""];
  out.push(`- Task: ${view.task}`, `- Pattern: ${view.pattern}`, `- Status: **${view.status}**`);
  if (view.endedAt) out.push(`- Duration: ${formatDurationMs(view.endedAt - view.startedAt)}`);
  const tokens = view.agents.reduce((s, a) => s + a.usage.inputTokens + a.usage.outputTokens, 0);
  out.push(`- Workers: ${view.agents.length}, tokens: ${tokens}`);
  if (view.error) out.push("", `**Error:** ${view.error.message}`);
  if (r) {
    out.push("", "## Result", "", r.summary || "(none)", "", `**Next step:** ${r.nextStep || "(none)"}`);
    if (r.selected) out.push("", `**Selected option:** ${r.selected}`);
    if (r.verification)
      out.push(
        "",
        `**Verification:** ${r.verification.passed ? "passed" : "FAILED"} — ${r.verification.summary}`,
      );
    if (r.findings.length) {
      out.push("", "## Findings (deduplicated, ranked)", "");
      r.findings.forEach((f, i) => {
        out.push(
          `${i + 1}. **[${f.severity}]** ${f.title}${f.location ? ` — \`${f.location}\`` : ""} _(by ${f.reportedBy.join(", ")})_`,
        );
        if (f.evidence) out.push(`   - Evidence: ${f.evidence}`);
        if (f.recommendation) out.push(`   - Fix: ${f.recommendation}`);
      });
    }
    if (r.options?.length)
      out.push("", "## Options", "", ...r.options.map((o) => `- **${o.label}**: ${o.summary}`));
    if (r.sections?.length)
      out.push("", "## Sections", "", ...r.sections.map((s) => `- **${s.label}**: ${s.summary}`));
    if (r.proposedChanges.length)
      out.push(
        "",
        "## Proposed changes",
        "",
        ...r.proposedChanges.map((c) => `- \`${c.file}\`: ${c.change}${c.risk ? ` (risk: ${c.risk})` : ""}`),
      );
    if (r.merges?.length) {
      out.push("", "## Merges", "");
      for (const m of r.merges) {
        const how = m.merged
          ? `merged${m.commit ? ` at ${m.commit.slice(0, 10)}` : ""}`
          : `NOT merged${m.reason ? `: ${m.reason}` : ""}`;
        const extra = [
          m.conflictFiles?.length ? `conflicting files: ${m.conflictFiles.join(", ")}` : "",
          !m.merged && m.kept ? `kept on branch \`${m.branch}\`` : "",
          m.patch ? `patch: \`${m.patch}\`` : "",
        ].filter(Boolean);
        out.push(`- ${m.label} (\`${m.branch}\`): ${how}${extra.length ? ` — ${extra.join("; ")}` : ""}`);
      }
    }
    if (r.tests.length) out.push("", "## Tests", "", ...r.tests.map((t) => `- ${t}`));
    if (r.openQuestions.length)
      out.push("", "## Open questions", "", ...r.openQuestions.map((q) => `- ${q}`));
    if (r.warnings.length) out.push("", "## Warnings", "", ...r.warnings.map((w) => `- ${w}`));
    if (r.failedWorkers.length) {
      out.push(
        "",
        "## Failed workers",
        "",
        ...r.failedWorkers.map(
          (f) => `- ${f.label} (${f.agentId}): ${f.endReason}${f.error ? ` — ${f.error}` : ""}`,
        ),
      );
    }
  }
  if (view.plan)
    out.push(
      "",
      "## Plan",
      "",
      ...view.plan.plan.map(
        (s) => `- [${s.status === "completed" ? "x" : s.status === "in_progress" ? "~" : " "}] ${s.step}`,
      ),
    );
  const timeline = journal.length ? buildTimeline(journal, view.endedAt ?? Date.now()) : undefined;
  if (timeline?.lanes.length)
    out.push("", "## Timeline", "", "```text", renderTextTimeline(timeline), "```", "", TIMELINE_LEGEND);
  const lanes = new Map(timeline?.lanes.map((l) => [l.agentId, l]));
  const ms = (n: number | undefined) => (n === undefined ? "-" : formatDurationMs(n));
  out.push(
    "",
    "## Workers",
    "",
    "| id | role | label | end | turns | queued | ran | waited | tokens |",
    "|---|---|---|---|---|---|---|---|---|",
  );
  for (const a of view.agents) {
    const lane = lanes.get(a.id);
    out.push(
      `| ${a.id} | ${a.role} | ${a.label} | ${lane ? laneOutcome(lane) : (a.endReason ?? a.status)} | ${lane?.turns ?? "-"} | ${ms(lane?.queuedMs)} | ${ms(lane?.runningMs)} | ${lane?.waitingMs ? formatDurationMs(lane.waitingMs) : "-"} | ${a.usage.inputTokens + a.usage.outputTokens} |`,
    );
  }
  return `${out.join("\n")}\n`;
}
