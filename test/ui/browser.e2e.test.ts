import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { DEFAULT_REHEARSAL_SCRIPT } from "../../src/rehearsal/rehearsal.ts";
import { listRunIds } from "../../src/store/runs.ts";
import { startUiServer, type UiServer } from "../../src/ui/server/server.ts";
import { eventually } from "../helpers/processes.ts";
import { HAVE_CHROMIUM, openBrowser, SCREENSHOTS } from "./browser.ts";

const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
const TASK = "Review src/core/pool.ts for correctness and risks";
// In CI the browser must be there (.ci/run installs it): a missing one fails instead of skipping.
const suite = HAVE_CHROMIUM || process.env.CI ? describe : describe.skip;

let dir: string;
let browser: Awaited<ReturnType<typeof openBrowser>>;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "baton-browser-"));
  if (HAVE_CHROMIUM || process.env.CI) browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

const env = (home: string) => ({ ...process.env, BATON_HOME: home, BATON_NO_REAP: "1" });

/** A review rehearsal whose reviewers answer after the given delays, so a test can watch them finish. */
function slowScript(delays: Record<string, number>): string {
  const script = parse(readFileSync(DEFAULT_REHEARSAL_SCRIPT, "utf8")) as {
    rules: Array<{ match: string; delayMs?: number }>;
  };
  for (const rule of script.rules)
    for (const [match, ms] of Object.entries(delays)) if (rule.match === match) rule.delayMs = ms;
  const file = join(dir, `slow-${Object.values(delays).join("-")}.yaml`);
  writeFileSync(file, stringify(script));
  return file;
}

interface JournalLine {
  type: string;
  at: string;
  agentId?: string;
}
const journalOf = (home: string, runId: string): JournalLine[] =>
  readFileSync(join(home, "runs", runId, "journal.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as JournalLine);

suite("in a real browser (headless chromium)", () => {
  it("the HTML report of a finished rehearsal: one lane per agent, sortable findings, nothing fetched", async () => {
    const home = join(dir, "finished");
    const run = spawnSync(process.execPath, [MAIN, "run", "--rehearse", TASK, "--pattern", "review"], {
      cwd: dir,
      env: env(home),
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const file = join(dir, "report.html");
    const report = spawnSync(process.execPath, [MAIN, "report", "--html", "-o", file], {
      env: env(home),
      encoding: "utf8",
    });
    expect(report.status, report.stderr).toBe(0);
    const page = await browser.context.newPage();
    const requests: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    await page.goto(`file://${file}`);
    const agents = journalOf(home, listRunIds(home)[0]!).filter((e) => e.type === "agent.spawned").length;
    expect(agents).toBe(4);
    expect(await page.locator(".tl-lane").count()).toBe(agents);
    expect(await page.locator('.tl-lane[data-state="completed"]').count()).toBe(agents);
    expect(await page.locator(".badge.rehearsal").textContent()).toContain("rehearsal");
    const title = await page.locator('.tl-lane[data-agent="agent-1"] .seg-running').getAttribute("title");
    expect(title).toMatch(
      /^agent-1 · turn 1 · running\n\d{4}-\d\d-\d\d [\d:.]+ UTC → \d{4}-\d\d-\d\d [\d:.]+ UTC \(/,
    );
    const column = (n: number) => page.locator(`#run-findings tbody tr td:nth-child(${n})`).allTextContents();
    expect(await column(2)).toEqual(["critical", "medium", "low"]);
    await page.click('button[data-sort="file"]');
    expect(await column(4)).toEqual(["src/core/agent.ts:60", "src/core/pool.ts:120", "src/core/pool.ts:150"]);
    await page.click('button[data-sort="severity"]');
    await page.click('button[data-sort="severity"]');
    expect(await column(2)).toEqual(["low", "medium", "critical"]);
    await page.click('button[data-sort="severity"]');
    await page.click("#agent-agent-1 > summary");
    expect(await page.locator("#agent-agent-1 pre").first().textContent()).toContain(
      "Two correctness issues found.",
    );
    await page.screenshot({ path: join(SCREENSHOTS, "report.png"), fullPage: true });
    expect(requests).toEqual([`file://${file}`]);
    await page.close();
  });

  it("the live page of a running rehearsal: needs the token, and shows agents finishing without a reload", async () => {
    const home = join(dir, "live");
    const script = slowScript({ "LENS: correctness": 5_000, "LENS: risks": 2_000, "LENS: clarity": 1_200 });
    let child: ChildProcess | undefined;
    let ui: UiServer | undefined;
    try {
      ui = await startUiServer({ home });
      child = spawn(
        process.execPath,
        [MAIN, "run", "--rehearse", "--script", script, TASK, "--pattern", "review"],
        {
          cwd: dir,
          env: env(home),
          stdio: "ignore",
        },
      );
      const exited = new Promise<number | null>((resolve) => child!.once("exit", resolve));
      // The page is opened while the reviewers are running.
      expect(
        await eventually(() => {
          const id = listRunIds(home)[0];
          return !!id && journalOf(home, id).filter((e) => e.type === "turn.started").length === 3;
        }, 30_000),
      ).toBe(true);
      const runId = listRunIds(home)[0]!;
      const page = await browser.context.newPage();
      const denied = await page.goto(`http://127.0.0.1:${ui.port}/runs/${runId}`);
      expect(denied?.status()).toBe(401);
      expect(await page.textContent("body")).toContain("needs the access token");
      // Every state each lane shows, with the time it first showed it.
      // (Page code as text: it runs in the browser, not under this file's Node types.)
      await page.addInitScript({
        content: `window.seen = {};
          new MutationObserver(() => {
            for (const lane of document.querySelectorAll(".tl-lane"))
              window.seen[lane.dataset.agent + ":" + lane.dataset.state] ??= Date.now();
          }).observe(document, { subtree: true, childList: true, attributes: true });`,
      });
      await page.goto(`http://127.0.0.1:${ui.port}/runs/${runId}?token=${ui.token}`);
      await page.waitForSelector("#live-status.on", { timeout: 10_000 });
      await page.evaluate("window.loadedOnce = true");
      expect(await page.locator('.tl-lane[data-agent="agent-1"]').getAttribute("data-state")).toBe("running");
      await page.screenshot({ path: join(SCREENSHOTS, "live-running.png"), fullPage: true });
      const stream = await browser.context.newPage();
      await stream.goto(`http://127.0.0.1:${ui.port}/runs/${runId}/agents/agent-1?token=${ui.token}`);
      // Polled from the test, not with waitForFunction: the page's CSP forbids the eval that a string
      // predicate needs once its first check fails.
      await expect
        .poll(async () => Number(await stream.locator("#stream").getAttribute("data-lines")), {
          timeout: 20_000,
        })
        .toBeGreaterThanOrEqual(2);
      expect(await stream.locator("#stream").textContent()).toContain("[turn 1] turn.started");
      await page.waitForSelector('.tl-lane[data-agent="agent-4"][data-state="completed"]', {
        timeout: 60_000,
      });
      expect(await exited).toBe(0);
      await page.waitForSelector("#live-status:not(.on)", { timeout: 10_000 });
      const seen = (await page.evaluate("window.seen")) as Record<string, number>;
      expect(await page.evaluate("window.loadedOnce")).toBe(true);
      // One lane per agent, and each agent's end was on the page within a second of its journal line.
      const journal = journalOf(home, runId);
      const spawned = journal.filter((e) => e.type === "agent.spawned").map((e) => e.agentId!);
      expect(spawned).toEqual(["agent-1", "agent-2", "agent-3", "agent-4"]);
      expect(await page.locator(".tl-lane").count()).toBe(spawned.length);
      const lagMs: Record<string, number> = {};
      for (const agentId of spawned) {
        const ended = Date.parse(journal.find((e) => e.type === "turn.ended" && e.agentId === agentId)!.at);
        const shown = seen[`${agentId}:completed`];
        expect(shown, `${agentId} never showed completed`).toBeDefined();
        lagMs[agentId] = shown! - ended;
      }
      console.log(`journal line → on the page (ms): ${JSON.stringify(lagMs)}`);
      for (const lag of Object.values(lagMs)) expect(lag).toBeLessThan(1_000);
      expect(seen["agent-4:queued"] ?? seen["agent-4:running"]).toBeDefined();
      expect(await page.locator("#run-findings tbody tr").count()).toBe(3);
      // The synthesis agent, spawned after the page was opened, got its own block too.
      expect(await page.locator("#run-agents > details.agent").count()).toBe(spawned.length);
      expect(await page.locator("#run-agents-title").textContent()).toBe("Agents (4)");
      await page.screenshot({ path: join(SCREENSHOTS, "live-ended.png"), fullPage: true });
      await stream.close();
      await page.close();
    } finally {
      if (child && child.exitCode === null) child.kill("SIGKILL");
      await ui?.close();
    }
    expect(existsSync(join(SCREENSHOTS, "live-running.png"))).toBe(true);
  });
});
