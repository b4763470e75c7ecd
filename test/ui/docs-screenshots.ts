/**
 * Makes the screenshots in docs/images/ from a real rehearsal (`--pattern review`: three reviewers and
 * a synthesis, on the real codex CLI against the scripted model): the live page of `baton ui` while
 * the reviewers run, then the HTML report of the finished run. `npm run docs:screenshots`.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { parse, stringify } from "yaml";
import { DEFAULT_REHEARSAL_SCRIPT } from "../../src/rehearsal/rehearsal.ts";
import { listRunIds } from "../../src/store/runs.ts";
import { startUiServer } from "../../src/ui/server/server.ts";
import { eventually } from "../helpers/processes.ts";
import { openBrowser } from "./browser.ts";

const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
const OUT = fileURLToPath(new URL("../../docs/images/", import.meta.url));
const TASK = "Review src/core/pool.ts for correctness and risks";
const DELAYS: Record<string, number> = {
  "LENS: correctness": 4_000,
  "LENS: risks": 2_600,
  "LENS: clarity": 1_400,
  "TASK: Synthesise": 900,
};

/** The page from its top down to the end of `untilSelector`. */
async function shoot(page: Page, untilSelector: string, file: string): Promise<void> {
  // Page coordinates: the element's box is measured from the viewport, which may have scrolled.
  await page.evaluate("window.scrollTo(0, 0)");
  const box = await page.locator(untilSelector).boundingBox();
  if (!box) throw new Error(`${untilSelector} is not on the page`);
  await page.screenshot({
    path: join(OUT, file),
    fullPage: true,
    clip: { x: 0, y: 0, width: 1280, height: box.y + box.height + 16 },
  });
  console.log(`wrote docs/images/${file}`);
}

const dir = mkdtempSync(join(tmpdir(), "baton-docs-"));
const home = join(dir, ".baton");
mkdirSync(OUT, { recursive: true });
const script = parse(readFileSync(DEFAULT_REHEARSAL_SCRIPT, "utf8")) as {
  rules: Array<{ match: string; delayMs?: number }>;
};
for (const rule of script.rules) if (DELAYS[rule.match]) rule.delayMs = DELAYS[rule.match];
writeFileSync(join(dir, "script.yaml"), stringify(script));

const browser = await openBrowser();
const ui = await startUiServer({ home });
const env = { ...process.env, BATON_HOME: home };
const args = [
  "run",
  "--rehearse",
  "--script",
  join(dir, "script.yaml"),
  TASK,
  "--pattern",
  "review",
  "--run-timeout",
  "20s",
];
const child = spawn(process.execPath, [MAIN, ...args], { cwd: dir, env, stdio: "ignore" });
try {
  const journal = () => readFileSync(join(home, "runs", listRunIds(home)[0]!, "journal.jsonl"), "utf8");
  if (
    !(await eventually(
      () => listRunIds(home).length > 0 && journal().includes('"agent-3","turn":1,"status"'),
      30_000,
    ))
  )
    throw new Error("the rehearsal did not get going");
  const runId = listRunIds(home)[0]!;
  const page = await browser.context.newPage();
  await page.goto(`http://127.0.0.1:${ui.port}/runs/${runId}?token=${ui.token}`);
  await page.waitForSelector("#live-status.on");
  await shoot(page, "#run-timeline", "live.png");
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`the rehearsal ended with exit code ${code}`);
  const file = join(dir, "report.html");
  const report = spawnSync(process.execPath, [MAIN, "report", "--html", "-o", file], {
    env,
    encoding: "utf8",
  });
  if (report.status !== 0) throw new Error(report.stderr);
  await page.goto(`file://${file}`);
  await shoot(page, "#run-findings", "report.png");
  const markdown = spawnSync(process.execPath, [MAIN, "report"], { env, encoding: "utf8" }).stdout;
  console.log(/## Timeline\n\n(```text\n[\s\S]*?```)/.exec(markdown)?.[1]);
} finally {
  if (child.exitCode === null) child.kill("SIGKILL");
  await ui.close();
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
