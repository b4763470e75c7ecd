import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { renderReport } from "../../src/run/report.ts";
import { buildTimeline } from "../../src/run/timeline.ts";
import type { JournalEntry } from "../../src/store/journal.ts";
import { renderHtmlReport } from "../../src/ui/report-html/page.ts";
import { loadRunRecord } from "../../src/ui/report-html/record.ts";
import { renderTimelineSection } from "../../src/ui/report-html/timeline-html.ts";
import { writeRunRecord } from "./record-fixture.ts";

const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "baton-html-"));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const count = (html: string, needle: string) => html.split(needle).length - 1;

describe("the HTML report", () => {
  it("draws one lane per agent with exact times, the findings table, failures and kept branches", () => {
    const run = writeRunRecord(home, "20261201-100000-aaaa");
    const finished = run.finish();
    const html = renderHtmlReport(loadRunRecord("20261201-100000-aaaa", home));
    expect(count(html, 'class="tl-row tl-lane"')).toBe(3);
    expect(html).toContain('data-agent="agent-2" data-state="timed_out"');
    // Hover text: exact UTC times of each bar, and why the turn ended.
    const start = new Date(finished.startedAt).toISOString().slice(0, 10);
    expect(html).toMatch(
      new RegExp(`title="agent-1 · turn 1 · running\\n${start} [0-9:.]+ UTC → ${start} [0-9:.]+ UTC`),
    );
    expect(html).toContain("ended: timed_out — no answer within 2s &lt;timeout&gt;");
    expect(html).toContain('class="mark mark-end end-timed_out"');
    // The deadline (10 min) is far beyond a run of milliseconds: named, not drawn to scale.
    expect(html).toMatch(/deadline \+10m00s →/);
    // Findings in rank order, with what the page's script sorts by.
    expect(count(html, "<tr data-rank=")).toBe(3);
    expect(html).toMatch(
      /data-rank="0" data-severity="1" data-file="src\/pool.ts:120"[^>]*data-reporters="2"/,
    );
    expect(html).toContain('<span class="who">correctness</span> <span class="who">clarity</span>');
    expect(html).toMatch(
      /<b>risks<\/b> \(agent-2\)<\/a>: <span class="state state-timed_out">timed_out<\/span> — no answer/,
    );
    expect(html).toContain("<code>baton/r/agent-3</code>");
    expect(html).toContain("<code>agents/agent-3/changes.patch</code> (branch kept)");
    // Per agent: prompt, final message (JSON pretty-printed), usage, turns.
    expect(html).toContain("LENS: correctness\n&lt;do not run&gt;");
    expect(html).toContain("{\n  &quot;summary&quot;: &quot;Two issues.&quot;");
    expect(html).toContain("1 turn · queued");
    expect(html).toContain("tokens: in 600, cached 0, out 80, reasoning 0");
  });

  it("is self-contained: everything from the record is escaped and nothing is fetched", () => {
    writeRunRecord(home, "20261201-100000-bbbb").finish();
    const html = renderHtmlReport(loadRunRecord("20261201-100000-bbbb", home));
    expect(html).toContain("<h1>Review &lt;b&gt;src/pool.ts&lt;/b&gt; &amp; friends</h1>");
    expect(html).not.toContain("<b>src/pool.ts</b>");
    expect(html).toContain("One &lt;critical&gt; issue.");
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/@import|url\(/);
    expect(html).toContain("default-src 'none'");
    expect(html).toContain("connect-src 'none'");
    expect(html).not.toContain("data-live=");
  });

  it("shows a live run as it stands: running bars open, no result yet", () => {
    writeRunRecord(home, "20261201-100000-cccc");
    const html = renderHtmlReport(loadRunRecord("20261201-100000-cccc", home));
    expect(html).toContain('data-agent="agent-3" data-state="running"');
    expect(html).toContain("seg seg-running open");
    expect(html).toContain(`<section id="run-result" hidden></section>`);
    expect(html).toContain('<span class="badge status-running">running</span>');
  });

  it("draws a run whose run.json is lost from its journal, and says so", () => {
    const run = writeRunRecord(home, "20261201-100000-ffff");
    run.finish();
    rmSync(join(run.dir, "run.json"));
    const html = renderHtmlReport(loadRunRecord("20261201-100000-ffff", home));
    expect(html).toContain("run.json is missing; rebuilt from the journal.");
    expect(html.split('class="tl-row tl-lane"').length - 1).toBe(3);
  });

  it("Markdown: per-worker durations and a short text timeline", () => {
    const run = writeRunRecord(home, "20261201-100000-dddd");
    const text = renderReport(run.finish());
    expect(text).toMatch(/## Timeline\n\n```text\n +0s +\d+ms\nagent-1 +\|[#. ]+\| completed( ran \d+ms)?\n/);
    expect(text).toMatch(/agent-2 +\|[#. ]+\| timed_out( ran \d+ms)?/);
    expect(text).toContain("| id | role | label | end | turns | queued | ran | waited | tokens |");
    expect(text).toMatch(
      /\| agent-2 \| reviewer \| agent-2 \| timed_out \| 1 \| \d+ms \| \d+ms \| - \| 680 \|/,
    );
  });

  it("baton report --html -o writes the file; a bad --output says which file and why", () => {
    writeRunRecord(home, "20261201-100000-eeee").finish();
    const env = { ...process.env, BATON_HOME: home, BATON_NO_REAP: "1" };
    const out = join(home, "run.html");
    const ok = spawnSync(process.execPath, [MAIN, "report", "--html", "-o", out], { env, encoding: "utf8" });
    expect([ok.status, ok.stderr]).toEqual([0, `wrote ${out}\n`]);
    expect(readFileSync(out, "utf8")).toMatch(
      /^<!doctype html>[\s\S]*class="tl-row tl-lane"[\s\S]*<\/html>\n$/,
    );
    const bad = spawnSync(
      process.execPath,
      [MAIN, "report", "--html", "-o", join(home, "no", "dir", "x.html")],
      {
        env,
        encoding: "utf8",
      },
    );
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/cannot write the report to .*x\.html: ENOENT.*choose another --output/);
    const missing = spawnSync(process.execPath, [MAIN, "report", "nope", "--html"], {
      env,
      encoding: "utf8",
    });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/no run "nope"/);
  });
});

describe("the timeline section", () => {
  const at = (ms: number) => new Date(Date.parse("2026-12-01T10:00:00Z") + ms).toISOString();
  const entries = (runTimeoutMs: number) =>
    [
      { type: "run.started", runId: "r", task: "t", pattern: "review", cwd: "/", options: { runTimeoutMs } },
      { type: "agent.spawned", agentId: "agent-1", label: "l", role: "reviewer", backend: "codex" },
      { type: "turn.started", agentId: "agent-1", turn: 1 },
      {
        type: "turn.retry",
        agentId: "agent-1",
        turn: 1,
        attempt: 1,
        delayMs: 100,
        error: "429",
        concurrency: 1,
      },
      { type: "run.ended", status: "cancelled", exitCode: 130 },
    ].map((e, seq) => ({ v: 1, seq, at: at(seq * 1_000), ...e }) as JournalEntry);

  it("draws the run deadline to scale when it falls near the run, and names it when far", () => {
    const near = renderTimelineSection(buildTimeline(entries(6_000), 0));
    expect(near).toContain('<span class="vline deadline" style="left:100.000%"></span>');
    expect(near).toContain('title="run deadline 2026-12-01 10:00:06.000 UTC">deadline</span>');
    expect(near).toContain('class="mark mark-retry" style="left:50.000%"');
    const far = renderTimelineSection(buildTimeline(entries(60_000), 0));
    expect(far).not.toContain("vline deadline");
    expect(far).toContain("deadline +1m00s →");
  });
});
